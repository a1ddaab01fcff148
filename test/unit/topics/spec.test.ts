import { describe, expect, it } from "vitest";
import { checkFailures } from "../../../topics/provider/failures";
import {
  adoptionProblems,
  collidingNames,
  partitionDecreaseProblem,
  topicChange,
  topicNameProblems,
  topicSpecProblems,
} from "../../../topics/spec";

const hello = { name: "Hello-Kafka", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" } };

describe("topic names", () => {
  it("accepts Kafka's legal names", () => {
    expect(topicNameProblems("Hello-Kafka")).toEqual([]);
    expect(topicNameProblems("a.b_c-9")).toEqual([]);
    expect(topicNameProblems("x".repeat(249))).toEqual([]);
  });

  it("refuses empty, '.', '..', illegal characters and names over 249 characters", () => {
    expect(topicNameProblems("")).toEqual(["must not be empty"]);
    expect(topicNameProblems(".")).toEqual(['cannot be "." or ".."']);
    expect(topicNameProblems("..")).toEqual(['cannot be "." or ".."']);
    expect(topicNameProblems("hello kafka/1")).toEqual([
      'contains " ", "/"; only ASCII letters, digits, ".", "_" and "-" are legal',
    ]);
    expect(topicNameProblems("x".repeat(250))).toEqual(["is 250 characters long; the limit is 249"]);
  });

  it("finds names that collide once '.' and '_' are alike", () => {
    expect(collidingNames(["a.b", "a_b", "c", "a.b"])).toEqual([["a.b", "a_b"]]);
    expect(collidingNames(["Hello-Kafka", "hello-kafka"])).toEqual([]);
  });
});

describe("topicSpecProblems", () => {
  it("passes the Hello-Kafka declaration", () => {
    expect(topicSpecProblems(hello, { brokers: 3, defaultMinIsr: 2 })).toEqual([]);
  });

  it("refuses a replication factor above the live brokers", () => {
    expect(checkFailures(topicSpecProblems({ ...hello, replicationFactor: 4 }, { brokers: 3 }))).toEqual([
      { property: "replicationFactor", reason: "4 is more than the 3 live brokers; Kafka cannot place the replicas" },
    ]);
  });

  it("refuses a min.insync.replicas that would make acks=all writes fail", () => {
    expect(
      checkFailures(topicSpecProblems({ ...hello, replicationFactor: 2, config: { "min.insync.replicas": "3" } })),
    ).toEqual([
      {
        property: "config.min.insync.replicas",
        reason:
          "min.insync.replicas 3 is more than the replication factor 2: every acks=all write would fail with NotEnoughReplicas",
      },
    ]);
    // The broker default counts when the topic does not set it.
    expect(
      checkFailures(topicSpecProblems({ ...hello, replicationFactor: 1, config: {} }, { defaultMinIsr: 2 })),
    ).toEqual([
      {
        property: "replicationFactor",
        reason:
          "min.insync.replicas 2 (the broker default) is more than the replication factor 1: every acks=all write would fail with NotEnoughReplicas",
      },
    ]);
  });

  it("names bad partitions, replication factors and config values", () => {
    const problems = checkFailures(
      topicSpecProblems({
        name: "t",
        partitions: 0,
        replicationFactor: 1.5,
        config: { "retention.ms": 5 as unknown as string },
      }),
    );
    expect(problems).toEqual([
      { property: "partitions", reason: "must be an integer >= 1, got 0" },
      { property: "replicationFactor", reason: "must be an integer >= 1, got 1.5" },
      { property: "config.retention.ms", reason: "values are strings, got 5" },
    ]);
  });
});

describe("topicChange", () => {
  it("sees a partition increase, a replication factor change and config set and reset", () => {
    expect(
      topicChange(
        { ...hello, config: { "min.insync.replicas": "2", "retention.ms": "1000" } },
        {
          ...hello,
          partitions: 6,
          replicationFactor: 2,
          config: { "min.insync.replicas": "1", "cleanup.policy": "compact" },
        },
      ),
    ).toEqual({
      replace: false,
      partitions: { from: 3, to: 6 },
      replicationFactor: { from: 3, to: 2 },
      setConfig: { "min.insync.replicas": "1", "cleanup.policy": "compact" },
      resetConfig: ["retention.ms"],
    });
  });

  it("treats a rename as a replacement and nothing else as one", () => {
    expect(topicChange(hello, { ...hello, name: "Hello-Kafka-2" }).replace).toBe(true);
    expect(topicChange(hello, hello)).toEqual({ replace: false, setConfig: {}, resetConfig: [] });
  });

  it("explains why a partition decrease is refused", () => {
    expect(partitionDecreaseProblem("Hello-Kafka", 6, 3).message).toBe(
      'cannot decrease the partitions of "Hello-Kafka" from 6 to 3: Kafka cannot remove partitions, and deleting the topic to recreate it would lose its data. Keep 6, or declare a new topic and move consumers to it.',
    );
  });
});

describe("adoption of an existing topic", () => {
  it("takes a topic that matches the declaration, ignoring overrides the declaration does not name", () => {
    expect(adoptionProblems({ ...hello, config: { "min.insync.replicas": "2", "retention.ms": "1" } }, hello)).toEqual(
      [],
    );
  });

  it("names every difference: partitions, replication factor, a declared key's value or its absence", () => {
    const existing = { name: "Hello-Kafka", partitions: 1, replicationFactor: 2, config: {} };
    expect(
      adoptionProblems(existing, { ...hello, config: { "min.insync.replicas": "2" } }).map(
        (p) => `${p.path}: ${p.message.split(";")[0]}`,
      ),
    ).toEqual([
      "partitions: the existing topic has 1, the declaration says 3",
      "replicationFactor: the existing topic has 2, the declaration says 3",
      'config.min.insync.replicas: the existing topic has no override, the declaration says "2"',
    ]);
  });
});
