// The preview summary's words for processes on a host and their data
// directories: a process change keeps the data (a move is named), only a
// data directory's delete is destructive, and state of a version whose
// process delete removed data is still called so.
import { describe, expect, it } from "vitest";
import { classify } from "../../../ci/changes";
import { TYPES } from "../../../ci/resources";
import { KEEPS_DATA } from "../../../infra/targets/process-spec";

const urn = (type: string, name: string) =>
  `urn:pulumi:local::kafka-cluster::kafka-cluster:infra:KafkaCluster$${type}::${name}`;
const broker = (dataDir: string, code = KEEPS_DATA) => ({
  custom: true,
  inputs: {
    __provider: code,
    label: "hadoop-nn kafka broker 1",
    workDir: `${dataDir}/hadoop-nn/run/kafka`,
    dirs: [`${dataDir}/hadoop-nn/kafka-logs`],
    files: {},
  },
});
const step = (op: string, type: string, name: string, olds?: object, news?: object) =>
  classify({ op, urn: urn(type, name), oldState: olds as never, newState: news as never }, op);

describe("preview summary: processes on a host and their data directories", () => {
  it("a process delete or replace keeps its data; a dataDir move is named", () => {
    const p = TYPES.localProcess;
    expect(step("delete", p, "kafka-broker-1", broker("/a"))).toMatchObject({
      impact: "disruptive",
      what: "stopped (its data stays in its data directory)",
    });
    expect(step("replace", TYPES.remoteProcess, "kafka-broker-1", broker("/a"), broker("/a"))!.what).toMatch(
      /its data stays where it was$/,
    );
    expect(step("update", p, "kafka-broker-1", broker("/a"), broker("/b"))).toMatchObject({
      impact: "disruptive",
      what: "restarts; its data moves (/a/hadoop-nn/kafka-logs → /b/hadoop-nn/kafka-logs)",
    });
    expect(
      step("update", p, "kafka-broker-1", broker("/a"), {
        ...broker("/a"),
        inputs: { ...broker("/a").inputs, __provider: "x" },
      }),
    ).toMatchObject({
      impact: "safe",
    });
  });

  it("state whose process code removed data on delete is still destructive", () => {
    expect(step("delete", TYPES.localProcess, "kafka-broker-1", broker("/a", "old code"))).toMatchObject({
      impact: "destructive",
    });
  });

  it("only a data directory's delete is destructive; a new path is a move", () => {
    const d = TYPES.localDataDirectory;
    const dir = (path: string) => ({ custom: true, inputs: { label: "l", path, cleanupRoot: "/a" } });
    expect(step("create", d, "kafka-broker-1-data", undefined, dir("/a/x"))).toMatchObject({ impact: "safe" });
    expect(step("delete", TYPES.remoteDataDirectory, "kafka-broker-1-data", dir("/a/x"))).toMatchObject({
      impact: "destructive",
      resource: "data directory `/a/x`",
    });
    expect(step("update", d, "kafka-broker-1-data", dir("/a/x"), dir("/b/x"))).toMatchObject({
      impact: "disruptive",
      what: "moves to `/b/x` (moveData)",
    });
  });
});
