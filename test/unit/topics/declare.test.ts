import { describe, expect, it } from "vitest";
import { formatProblem } from "../../../lib/problems";
import { HELLO_KAFKA, declareTopics } from "../../../topics/declare";

describe("declareTopics", () => {
  it("declares Hello-Kafka (3 partitions, replication factor 3, min.insync.replicas=2) by default", () => {
    expect(declareTopics(undefined)).toEqual({ topics: [HELLO_KAFKA], problems: [], warnings: [] });
    expect(HELLO_KAFKA).toMatchObject({
      name: "Hello-Kafka",
      partitions: 3,
      replicationFactor: 3,
      config: { "min.insync.replicas": "2" },
    });
  });

  it("turns config values into strings and defaults id, replication factor and import", () => {
    expect(
      declareTopics([{ name: "clicks", partitions: 6, config: { "retention.ms": 86400000, "min.insync.replicas": 2 } }])
        .topics,
    ).toEqual([
      {
        id: "clicks",
        name: "clicks",
        partitions: 6,
        replicationFactor: 3,
        config: { "retention.ms": "86400000", "min.insync.replicas": "2" },
        import: false,
      },
    ]);
  });

  it("lists every problem with its path", () => {
    expect(
      declareTopics([
        { name: "ok", partitions: 1 },
        { name: "bad name", partitions: 0, replicationFactor: 2, config: { "min.insync.replicas": "3" } },
        { name: "ok", partitions: 1, colour: "red" },
        { name: "ok", partitions: 2 },
      ]).problems.map(formatProblem),
    ).toEqual([
      'kafka-cluster:topics[1].name: "bad name" contains " "; only ASCII letters, digits, ".", "_" and "-" are legal',
      "kafka-cluster:topics[1].partitions: must be an integer >= 1, got 0",
      "kafka-cluster:topics[1].config.min.insync.replicas: min.insync.replicas 3 is more than the replication factor 2: every acks=all write would fail with NotEnoughReplicas",
      "kafka-cluster:topics[2].colour: unknown key",
      'kafka-cluster:topics[3].name: "ok" is declared twice (also topics[0])',
      'kafka-cluster:topics[3].id: "ok" is declared twice (also topics[0])',
    ]);
  });

  it("warns about names that collide in metric names", () => {
    expect(
      declareTopics([
        { name: "a.b", partitions: 1 },
        { name: "a_b", partitions: 1 },
      ]).warnings,
    ).toEqual([
      'topics "a.b" and "a_b" collide in Kafka\'s metric names ("." and "_" are treated alike); consider renaming one',
    ]);
  });
});
