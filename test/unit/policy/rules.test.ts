import { describe, expect, it } from "vitest";
import { TYPES } from "../../../ci/resources";
import { deployedTopics } from "../../../policy/deployed";
import { formatProblem } from "../../../lib/problems";
import { declareTopics } from "../../../topics/declare";
import { brokerViolations, dataLossViolations, durabilityViolations, type StackResource } from "../../../policy/rules";

const URN = "urn:pulumi:prod::kafka-cluster::";
const topic = (id: string, props: Record<string, unknown>): StackResource => ({
  type: TYPES.topic,
  urn: `${URN}${TYPES.topic}::${id}`,
  name: id,
  props: { name: id, partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" }, ...props },
});
const broker = (id: number, minIsr: string): StackResource => ({
  type: TYPES.localProcess,
  urn: `${URN}${TYPES.cluster}$${TYPES.localProcess}::kafka-broker-${id}`,
  name: `kafka-broker-${id}`,
  props: { files: { [`/data/h${id}/kafka/server.properties`]: `broker.id=${id}\nmin.insync.replicas=${minIsr}\n` } },
});
const ready = (brokerIds: number[]): StackResource => ({
  type: TYPES.clusterReady,
  urn: `${URN}${TYPES.cluster}$${TYPES.clusterReady}::kafka-ready`,
  name: "kafka-ready",
  props: { brokerIds },
});

describe("topic-durability", () => {
  it("accepts replication factor 3 with min.insync.replicas 2", () => {
    expect(durabilityViolations([topic("Hello-Kafka", {})])).toEqual([]);
  });

  it("names the topic, the rule and the fix for replication factor 1 and min.insync.replicas 1", () => {
    const v = durabilityViolations([
      topic("scratch", { replicationFactor: 1, config: { "min.insync.replicas": "1" } }),
    ]);
    expect(v).toEqual([
      {
        urn: `${URN}${TYPES.topic}::scratch`,
        message:
          'KafkaTopic "scratch" breaks topic-durability: replication factor 1 is below 3: losing one broker can lose acknowledged writes; ' +
          "min.insync.replicas 1 is below 2: an acks=all write may live on one replica only. " +
          'Fix: in its kafka-cluster:topics entry set replicationFactor: 3 and config: { min.insync.replicas: "2" }, ' +
          'or, if it may be less durable, say why with policyExemption: { reason: "..." }.',
      },
    ]);
  });

  it("takes the brokers' min.insync.replicas for a topic that does not set its own, else Kafka's default of 1", () => {
    const own = topic("t", { config: {} });
    expect(durabilityViolations([own, broker(1, "2"), broker(2, "2")])).toEqual([]);
    expect(durabilityViolations([own, broker(1, "1")])[0].message).toContain(
      "min.insync.replicas 1 (the brokers' default) is below 2",
    );
    expect(durabilityViolations([own])[0].message).toContain("min.insync.replicas 1 (Kafka's default) is below 2");
  });

  it("lets a topic opt out with a stated reason, not with an empty one", () => {
    const weak = { replicationFactor: 1, config: { "min.insync.replicas": "1" } };
    expect(
      durabilityViolations([topic("scratch", { ...weak, policyExemption: { reason: "rebuilt hourly from clicks" } })]),
    ).toEqual([]);
    expect(durabilityViolations([topic("scratch", { ...weak, policyExemption: { reason: "  " } })])).toHaveLength(1);
  });

  it("names the resource and the topic when they differ", () => {
    expect(durabilityViolations([topic("orders", { name: "orders-v2", replicationFactor: 2 })])[0].message).toMatch(
      /^KafkaTopic "orders" \(topic "orders-v2"\) breaks topic-durability: replication factor 2 is below 3/,
    );
  });
});

describe("no-topic-data-loss", () => {
  // State written before retainOnDelete: a removal or a rename would delete the topic.
  const legacy = [
    { urn: `${URN}${TYPES.topic}::Hello-Kafka`, name: "Hello-Kafka", allowDataLoss: false, retained: false },
    { urn: `${URN}${TYPES.topic}::clicks`, name: "clicks", allowDataLoss: false, retained: false },
  ];
  const retained = legacy.map((t) => ({ ...t, retained: true }));

  it("accepts in-place changes and new topics", () => {
    expect(
      dataLossViolations([topic("Hello-Kafka", { partitions: 6 }), topic("clicks", {}), topic("orders", {})], legacy),
    ).toEqual([]);
  });

  it("accepts a rename or a removal of a topic deployed with retainOnDelete: it stays in Kafka", () => {
    expect(dataLossViolations([topic("Hello-Kafka", { name: "Hello-Kafka-v2" })], retained)).toEqual([]);
    expect(dataLossViolations([], retained)).toEqual([]);
  });

  it("refuses a rename of a topic whose state predates retainOnDelete, unless it says allowDataLoss: true", () => {
    const renamed = topic("Hello-Kafka", { name: "Hello-Kafka-v2" });
    expect(dataLossViolations([renamed, topic("clicks", {})], legacy)).toEqual([
      {
        urn: `${URN}${TYPES.topic}::Hello-Kafka`,
        message:
          'KafkaTopic "Hello-Kafka" breaks no-topic-data-loss: renaming it to "Hello-Kafka-v2" replaces it, and its deployed state ' +
          'predates retainOnDelete, so topic "Hello-Kafka" would be deleted with its data. Fix: run `up` once with the topic still ' +
          "declared as it is (that records retainOnDelete, so a later removal or rename leaves the topic in Kafka); or, if losing " +
          "the data is intended, add allowDataLoss: true to its kafka-cluster:topics entry.",
      },
    ]);
    expect(
      dataLossViolations(
        [{ ...renamed, props: { ...renamed.props, allowDataLoss: true } }, topic("clicks", {})],
        legacy,
      ),
    ).toEqual([]);
  });

  it("refuses a deletion of a topic whose state predates retainOnDelete, unless it was deployed with allowDataLoss", () => {
    const v = dataLossViolations([topic("Hello-Kafka", {})], legacy);
    expect(v).toHaveLength(1);
    expect(v[0].urn).toBe(`${URN}${TYPES.topic}::clicks`);
    expect(v[0].message).toBe(
      'KafkaTopic "clicks" breaks no-topic-data-loss: it is no longer declared, and its deployed state predates retainOnDelete, ' +
        'so topic "clicks" would be deleted with its data. Fix: run `up` once with the topic still declared as it is (that ' +
        "records retainOnDelete, so a later removal or rename leaves the topic in Kafka); or, to delete it, first deploy its " +
        "kafka-cluster:topics entry with allowDataLoss: true, then remove the entry.",
    );
    expect(dataLossViolations([topic("Hello-Kafka", {})], [legacy[0], { ...legacy[1], allowDataLoss: true }])).toEqual(
      [],
    );
  });

  it("reads the deployed topics from a state export, skipping resources pending deletion", () => {
    const exported = {
      deployment: {
        resources: [
          { urn: `${URN}${TYPES.topic}::a`, type: TYPES.topic, inputs: { name: "a", allowDataLoss: true } },
          { urn: `${URN}${TYPES.topic}::b`, type: TYPES.topic, retainOnDelete: true, inputs: { name: "b-v2" } },
          { urn: `${URN}${TYPES.topic}::c`, type: TYPES.topic, delete: true, inputs: { name: "c" } },
          { urn: `${URN}${TYPES.clusterReady}::kafka-ready`, type: TYPES.clusterReady, inputs: {} },
        ],
      },
    };
    expect(deployedTopics(exported)).toEqual([
      { urn: `${URN}${TYPES.topic}::a`, name: "a", allowDataLoss: true, retained: false },
      { urn: `${URN}${TYPES.topic}::b`, name: "b-v2", allowDataLoss: false, retained: true },
    ]);
    expect(deployedTopics({ deployment: {} })).toEqual([]);
  });
});

describe("cluster-brokers", () => {
  it("accepts three brokers and names the fix for fewer", () => {
    expect(brokerViolations([ready([1, 2, 3])])).toEqual([]);
    expect(brokerViolations([ready([1, 2])])).toEqual([
      {
        urn: `${URN}${TYPES.cluster}$${TYPES.clusterReady}::kafka-ready`,
        message:
          "kafka-ready breaks cluster-brokers: the cluster has 2 broker(s), fewer than 3, so a replication factor of 3 cannot be placed. " +
          "Fix: declare three hosts in kafka-cluster:hosts (broker N runs on the Nth host).",
      },
    ]);
  });
});

describe("the policy fields of a topic declaration", () => {
  it("are kept as declared, and absent when not declared", () => {
    const [plain, exempt] = declareTopics([
      { name: "a", partitions: 1 },
      {
        name: "b",
        partitions: 1,
        replicationFactor: 1,
        config: { "min.insync.replicas": "1" },
        policyExemption: { reason: " rebuilt hourly " },
        allowDataLoss: true,
      },
    ]).topics;
    expect(plain).not.toHaveProperty("policyExemption");
    expect(plain).not.toHaveProperty("allowDataLoss");
    expect(exempt).toMatchObject({ policyExemption: { reason: "rebuilt hourly" }, allowDataLoss: true });
  });

  it("refuse an exemption without a reason and a non-boolean allowDataLoss, naming the path", () => {
    expect(
      declareTopics([{ name: "a", partitions: 1, policyExemption: { reason: "" }, allowDataLoss: "yes" }]).problems.map(
        formatProblem,
      ),
    ).toEqual([
      'kafka-cluster:topics[0].policyExemption.reason: must say why, e.g. { reason: "scratch data, rebuilt hourly" }',
      "kafka-cluster:topics[0].allowDataLoss: Invalid input: expected boolean, received string",
    ]);
    expect(
      declareTopics([{ name: "a", partitions: 1, policyExemption: "because" }]).problems.map(formatProblem),
    ).toEqual(["kafka-cluster:topics[0].policyExemption: Invalid input: expected object, received string"]);
  });
});
