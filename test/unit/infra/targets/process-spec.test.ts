import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { localDataDirectoryProvider } from "../../../../infra/targets/local-data-directory";
import { localProcessProvider } from "../../../../infra/targets/local-process";
import { remoteDataDirectoryProvider } from "../../../../infra/targets/remote-data-directory";
import { KEEPS_DATA, RESTART_KEYS, diffProcess } from "../../../../infra/targets/process-spec";
import { REMOTE_RESTART_KEYS, remoteProcessProvider } from "../../../../infra/targets/remote-process";
import { remoteKafkaInstallProvider } from "../../../../infra/targets/remote-install";
import { stackIdentityProvider } from "../../../../infra/stack-identity";

const inputs = {
  label: "hadoop-nn kafka broker 1",
  workDir: "/d/hadoop-nn/run/kafka",
  dirs: ["/d/hadoop-nn/kafka-logs"],
  cleanupRoot: "/d",
  files: { "/d/hadoop-nn/run/kafka/server.properties": "broker.id=1\n" },
  command: "java",
  args: ["-cp", "/libs/*", "kafka.Kafka", "/d/hadoop-nn/run/kafka/server.properties"],
  ready: { kind: "zk-broker" as const, zookeeperConnect: "127.0.10.1:2181", brokerId: 1 },
  readyTimeoutMs: 120_000,
};
const remote = {
  ...inputs,
  connection: { host: "10.0.0.1", port: 22, user: "kafka", privateKey: "k" },
  unit: "kafka-cluster-dev-kafka",
  serviceManager: "auto" as const,
};

describe("diffProcess", () => {
  it("restarts in place for the restart keys and replaces, stopping first, for any other", () => {
    expect(diffProcess(inputs, { ...inputs, files: {} }, RESTART_KEYS)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    expect(diffProcess(inputs, { ...inputs, other: "x", label: "x" }, RESTART_KEYS)).toEqual({
      changes: true,
      replaces: ["other"],
      deleteBeforeReplace: true,
    });
    expect(diffProcess(inputs, { ...inputs }, RESTART_KEYS).changes).toBe(false);
  });

  it("takes new provider code alone for no change: a refactor neither restarts nor replaces a process", async () => {
    const olds = { ...inputs, pid: 42, __provider: `exports.handler = old; "${KEEPS_DATA}"` };
    const news = { ...inputs, __provider: `exports.handler = new; "${KEEPS_DATA}"` };
    expect(await localProcessProvider.diff!("id", olds, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
    });
    const rolds = { ...remote, manager: "systemd" as const, __provider: KEEPS_DATA };
    expect(await remoteProcessProvider.diff!("id", rolds, { ...remote, __provider: "new" } as never)).toMatchObject({
      changes: false,
    });
    const install = {
      label: "l",
      connection: remote.connection,
      version: "3.9.2",
      source: { url: "u" },
      kafkaHome: "/k",
      cleanupRoot: "/",
    };
    expect(
      await remoteKafkaInstallProvider.diff!(
        "id",
        { ...install, __provider: "a" } as never,
        { ...install, __provider: "b" } as never,
      ),
    ).toMatchObject({
      changes: false,
    });
  });

  it("needs no new data for a new work directory or data paths: both restart in place", () => {
    const news = { ...inputs, workDir: "/e/hadoop-nn/run/kafka", dirs: ["/e/hadoop-nn/kafka-logs"] };
    expect(diffProcess(inputs, news, RESTART_KEYS)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
  });

  it("ssh: a new unit or service manager restarts in place; only a new host address replaces", async () => {
    const olds = { ...remote, manager: "systemd" as const };
    for (const news of [
      { ...remote, unit: "kafka-cluster-prod-kafka" },
      { ...remote, serviceManager: "process" as const },
      { ...remote, workDir: "/e/run/kafka", dirs: ["/e/kafka-logs"] },
      { ...remote, connection: { ...remote.connection, port: 2222, user: "root" } },
    ]) {
      expect(await remoteProcessProvider.diff!("id", olds, news)).toEqual({
        changes: true,
        replaces: [],
        deleteBeforeReplace: true,
      });
    }
    const elsewhere = { ...remote, connection: { ...remote.connection, host: "10.0.0.2" } };
    expect(await remoteProcessProvider.diff!("id", olds, elsewhere)).toEqual({
      changes: true,
      replaces: ["connection"],
      deleteBeforeReplace: true,
    });
  });

  it("the ssh target restarts on a new connection too (a new key is the same host)", async () => {
    const r = await remoteProcessProvider.diff!(
      "id",
      { ...remote, manager: "systemd" },
      { ...remote, connection: { ...remote.connection, privateKey: "k2" } },
    );
    expect(r).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(REMOTE_RESTART_KEYS).toEqual([...RESTART_KEYS, "connection", "unit", "serviceManager"]);
    const renamed = await remoteProcessProvider.diff!(
      "id",
      { ...remote, manager: "systemd" },
      { ...remote, unit: "other" },
    );
    expect(renamed.replaces).toEqual([]);
  });
});

describe("state of a version whose process delete removed the data", () => {
  it("is updated to this code once, with no restart, so no later replace or delete takes the data", async () => {
    const olds = { ...inputs, pid: 42, startTime: "7", __provider: "exports.handler = removeDirs" };
    const news = { ...inputs, __provider: `"${KEEPS_DATA}"` };
    expect(await localProcessProvider.diff!("id", olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    // No process runs as pid 42 with start time 7 here: a restart would fail; the update only records the code.
    expect((await localProcessProvider.update!("id", olds, news)).outs).toEqual({ ...news, pid: 42, startTime: "7" });
    const rolds = { ...remote, manager: "systemd" as const, pid: 42, __provider: "old" };
    expect(
      (await remoteProcessProvider.diff!("id", rolds, { ...remote, __provider: KEEPS_DATA } as never)).changes,
    ).toBe(true);
  });
});

describe("the data directory providers as Pulumi serializes them", () => {
  for (const [name, provider] of Object.entries({ localDataDirectoryProvider, remoteDataDirectoryProvider })) {
    it(`${name} captures only plain values and the shared functions`, async () => {
      const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
      expect(text).toContain("checkDataDirectory");
      expect(text).not.toMatch(/require\("\.\.?\//);
      // And it runs as Pulumi loads it: the serialized check and diff (a Set, say, would not survive).
      const m = { exports: {} as { handler?: () => typeof provider } };
      new Function("exports", "require", "module", text)(m.exports, require, m);
      const loaded = m.exports.handler!();
      const dir = { label: "l", path: "/a/x", cleanupRoot: "/a", moveData: false } as never;
      const moved = { label: "l", path: "/b/x", cleanupRoot: "/b", moveData: true } as never;
      expect(await loaded.diff!("id", dir, moved)).toEqual({ changes: true, replaces: [] });
      expect((await loaded.check!(dir, { ...(moved as object), moveData: false } as never)).failures).toHaveLength(1);
    }, 30_000);
  }
});

describe("the process providers as Pulumi serializes them", () => {
  for (const [name, provider] of Object.entries({ localProcessProvider, remoteProcessProvider })) {
    it(`${name} captures only plain values and the shared functions`, async () => {
      const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
      expect(text).toContain("diffProcess");
      expect(text).toContain(KEEPS_DATA);
      const m = { exports: {} as { handler?: () => typeof provider } };
      new Function("exports", "require", "module", text)(m.exports, require, m);
      const loaded = m.exports.handler!() as typeof remoteProcessProvider;
      const olds = { ...remote, manager: "systemd" as const, __provider: KEEPS_DATA };
      expect(await loaded.diff!("id", olds, { ...remote, files: {} })).toMatchObject({ changes: true, replaces: [] });
      expect(text).not.toMatch(/require\("\.\.?\//);
    }, 30_000);
  }
});

describe("the stack identity", () => {
  it("is made once: random, prefixed with the stack's name, and never changed by a diff", async () => {
    const a = await stackIdentityProvider.create!({ stack: "local" });
    const b = await stackIdentityProvider.create!({ stack: "local" });
    expect(a.outs!.stackId).toMatch(/^local-[0-9a-f]{16}$/);
    expect(a.outs!.stackId).not.toBe(b.outs!.stackId);
    expect(a.id).toBe(a.outs!.stackId);
    expect(await stackIdentityProvider.diff!(a.id, a.outs!, { stack: "renamed" })).toEqual({ changes: false });
  });

  it("serializes without the project's modules", async () => {
    const { text } = await pulumi.runtime.serializeFunction(() => stackIdentityProvider, { allowSecrets: false });
    expect(text).not.toMatch(/require\("\.\.?\//);
  }, 30_000);
});

describe("inputs added after stacks were deployed", () => {
  it("a stack id or ports missing from the old state are no change; once there, a change restarts", () => {
    const news = { ...inputs, stackId: "local-1", listens: [{ host: "127.0.10.1", port: 9092 }] };
    expect(diffProcess(inputs, news, RESTART_KEYS).changes).toBe(false);
    expect(diffProcess(news, { ...news, stackId: "local-2" }, RESTART_KEYS)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    expect(diffProcess(news, { ...news, listens: [] }, REMOTE_RESTART_KEYS).replaces).toEqual([]);
  });
});
