// The ssh install's checksum: computed where the tarball is (here, a shell
// standing in for the host's), compared before anything is unpacked; and
// what a change of the distribution does to an installation.
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { remoteKafkaInstallProvider, verifySha512 } from "../../../../infra/targets/remote-install";
import type { SshSession } from "../../../../infra/targets/ssh-session";

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-sha512-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An SshSession whose "host" is a local shell. */
const localShell: SshSession = {
  async exec(command) {
    try {
      const { stdout, stderr } = await run("sh", ["-c", command]);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  },
  async run(command) {
    const r = await this.exec(command);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  },
  upload: () => Promise.reject(new Error("not here")),
  close: () => undefined,
};

function tarball(content: string): { file: string; sha512: string } {
  const file = path.join(dir, `${crypto.randomUUID()}.tgz.part`);
  fs.writeFileSync(file, content);
  return { file, sha512: crypto.createHash("sha512").update(content).digest("hex") };
}

const inputs = (source: { file: string; sha512: string }) =>
  ({
    label: "hadoop-nn Kafka 3.9.2",
    connection: { host: "h", port: 22, user: "kafka", privateKey: "k" },
    version: "3.9.2",
    source,
    kafkaHome: "/d/hadoop-nn/kafka_2.13-3.9.2",
    cleanupRoot: "/d",
  }) as const;

describe("verifySha512", () => {
  it("accepts the tarball whose SHA-512 is pinned, in either case", async () => {
    const t = tarball("kafka release");
    await verifySha512(localShell, inputs(t), t.file, t.sha512.toUpperCase());
    expect(fs.existsSync(t.file)).toBe(true);
  });

  it("refuses another tarball, naming both checksums, and removes it", async () => {
    const t = tarball("a tampered release");
    const expected = "0".repeat(128);
    await expect(verifySha512(localShell, inputs({ ...t, sha512: expected }), t.file, expected)).rejects.toThrow(
      `hadoop-nn Kafka 3.9.2: ${t.file} has SHA-512 ${t.sha512}, expected ${expected} ` +
        "(kafka-cluster:kafka.distribution.sha512); it was not unpacked",
    );
    expect(fs.existsSync(t.file)).toBe(false);
  });
});

describe("RemoteKafkaInstall's diff", () => {
  const url = "https://archive.apache.org/dist/kafka/3.9.2/kafka_2.13-3.9.2.tgz";
  const withSource = (source: { url: string; sha512?: string }) => ({ ...inputs(tarball("x")), source }) as never;
  const diff = (a: { url: string; sha512?: string }, b: { url: string; sha512?: string }) =>
    remoteKafkaInstallProvider.diff!("id", withSource(a), withSource(b));

  it("keeps the installation when a checksum is pinned on the tarball it came from", async () => {
    expect((await diff({ url }, { url, sha512: "a".repeat(128) })).replaces).toEqual([]);
  });

  it("reinstalls for another tarball or another checksum", async () => {
    expect((await diff({ url }, { url: `${url}.x`, sha512: "a".repeat(128) })).replaces).toEqual(["source"]);
    expect((await diff({ url, sha512: "a".repeat(128) }, { url, sha512: "b".repeat(128) })).replaces).toEqual([
      "source",
    ]);
    // Same kafkaHome: the old one must go before the new one is unpacked there.
    expect((await diff({ url }, { url: `${url}.x` })).deleteBeforeReplace).toBe(true);
  });

  it("unpacks a new version beside the old one, which goes last (a rolling upgrade)", async () => {
    const at = (version: string) =>
      ({ ...inputs(tarball("x")), version, kafkaHome: `/d/hadoop-nn/kafka_2.13-${version}` }) as never;
    const d = await remoteKafkaInstallProvider.diff!("id", at("3.9.1"), at("3.9.2"));
    expect(d.replaces).toEqual(expect.arrayContaining(["version", "kafkaHome"]));
    expect(d.deleteBeforeReplace).toBe(false);
  });
});

describe("RemoteKafkaInstall's stack id and host key", () => {
  const t = tarball("y");
  const base = inputs(t) as unknown as Record<string, unknown>;
  const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) =>
    remoteKafkaInstallProvider.diff!("id", olds as never, news as never);

  it("a stack id missing from older state is no change; a changed one updates in place", async () => {
    expect(await diff(base, { ...base, stackId: "ssh-1" })).toMatchObject({ changes: false });
    expect(await diff({ ...base, stackId: "ssh-1" }, { ...base, stackId: "ssh-2" })).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  it("a host key pinned on an installed host updates in place, never reinstalls", async () => {
    const connection = base.connection as Record<string, unknown>;
    const pinned = { ...base, connection: { ...connection, hostKey: "ssh-ed25519 AAAA" } };
    expect(await diff(base, pinned)).toMatchObject({ changes: true, replaces: [] });
  });
});
