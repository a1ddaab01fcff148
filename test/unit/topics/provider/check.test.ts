// The provider's check over a fake cluster: what it refuses, what it asks the
// cluster, and what it does not. test/integration/topics/provider.test.ts runs
// the same methods against a real cluster.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { KafkaTopicInputs } from "../../../../topics/provider";
import { FakeCluster, topicInputs } from "./fake-cluster";

const inputs = topicInputs;

const none = undefined as unknown as KafkaTopicInputs;

afterEach(() => {
  vi.useRealTimers();
});

describe("check", () => {
  it("refuses a partition decrease without asking the cluster", async () => {
    const cluster = new FakeCluster();
    const { failures } = await cluster.provider().check!(inputs({ partitions: 6 }), inputs({ partitions: 3 }));
    expect(failures).toEqual([
      {
        property: "partitions",
        reason: expect.stringMatching(
          /^cannot decrease the partitions of "clicks" from 6 to 3: Kafka cannot remove partitions/,
        ),
      },
    ]);
    expect(cluster.calls).toEqual([]);
  });

  it("names every problem of the declaration on its own, value included", async () => {
    const cluster = new FakeCluster();
    const { failures } = await cluster.provider().check!(none, inputs({ name: "bad name", partitions: 0 }));
    expect(failures).toEqual([
      { property: "name", reason: '"bad name" contains " "; only ASCII letters, digits, ".", "_" and "-" are legal' },
      { property: "partitions", reason: "must be an integer >= 1, got 0" },
    ]);
    expect(cluster.calls).toEqual([]);
  });

  it("asks the cluster nothing about a topic that asks nothing new of it", async () => {
    const cluster = new FakeCluster();
    cluster.brokers = [1]; // would refuse replication factor 3, if asked
    const applied = inputs();
    const { failures } = await cluster.provider().check!(applied, { ...applied, policyExemption: { reason: "test" } });
    expect(failures).toEqual([]);
    expect(cluster.calls).toEqual([]);
  });

  it("passes a new topic the cluster accepts, having asked the brokers to validate it", async () => {
    const cluster = new FakeCluster();
    expect((await cluster.provider().check!(none, inputs())).failures).toEqual([]);
    expect(cluster.calls).toEqual([
      "connect",
      "describeCluster",
      "describeConfigs broker 1",
      "createTopics validateOnly clicks",
    ]);
  });

  it("refuses a replication factor above the live brokers, once brokers still registering have had 10 s", async () => {
    vi.useFakeTimers();
    const cluster = new FakeCluster();
    cluster.brokers = [1, 2];
    const checked = cluster.provider().check!(none, inputs());
    await vi.advanceTimersByTimeAsync(9_000);
    expect(cluster.calls.filter((c) => c === "describeCluster").length).toBeGreaterThan(10);
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await checked).failures).toEqual([
      { property: "replicationFactor", reason: "3 is more than the 2 live brokers; Kafka cannot place the replicas" },
    ]);
    expect(cluster.calls).not.toContain("createTopics validateOnly clicks");
  });

  it("accepts the replication factor when a broker registers during that wait", async () => {
    vi.useFakeTimers();
    const cluster = new FakeCluster();
    cluster.brokers = [1, 2];
    const checked = cluster.provider().check!(none, inputs());
    await vi.advanceTimersByTimeAsync(2_000);
    cluster.brokers = [1, 2, 3];
    await vi.advanceTimersByTimeAsync(300);
    expect((await checked).failures).toEqual([]);
  });

  it("refuses a min.insync.replicas above the replication factor by the brokers' default", async () => {
    const cluster = new FakeCluster();
    cluster.defaultMinIsr = 2;
    const { failures } = await cluster.provider().check!(none, inputs({ replicationFactor: 1, config: {} }));
    expect(failures).toEqual([
      {
        property: "replicationFactor",
        reason:
          "min.insync.replicas 2 (the broker default) is more than the replication factor 1: every acks=all write would fail with NotEnoughReplicas",
      },
    ]);
  });

  it("names the config key the cluster refuses, asking key by key", async () => {
    const cluster = new FakeCluster();
    cluster.refusedKeys.add("no.such.setting");
    const { failures } = await cluster.provider().check!(
      none,
      inputs({ config: { "no.such.setting": "1", "retention.ms": "1000" } }),
    );
    expect(failures).toEqual([
      {
        property: "config.no.such.setting",
        reason: 'the cluster refuses "1" (INVALID_CONFIG: Configuration is invalid)',
      },
    ]);
    expect(cluster.calls.filter((c) => c.startsWith("createTopics"))).toEqual([
      "createTopics validateOnly clicks",
      "createTopics validateOnly clicks",
      "createTopics validateOnly clicks",
    ]);
  });

  it("validates a managed topic's config as the whole override set it would send, keeping overrides set outside Pulumi", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 3, 3, { "min.insync.replicas": "2", "segment.ms": "600000" });
    const olds = inputs();
    const { failures } = await cluster.provider().check!(
      olds,
      inputs({ config: { "min.insync.replicas": "2", "retention.ms": "1000" } }),
    );
    expect(failures).toEqual([]);
    expect(cluster.calls.filter((c) => c.startsWith("alterConfigs"))).toEqual([
      "alterConfigs validateOnly clicks segment.ms=600000,min.insync.replicas=2,retention.ms=1000",
    ]);
  });

  it("refuses to adopt an existing topic that differs from the declaration, naming each difference", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 2, 3, { "retention.ms": "3600000" });
    const differs = inputs({ partitions: 3, config: { "retention.ms": "7200000" }, adopt: true });
    expect((await cluster.provider().check!(none, differs)).failures).toEqual([
      {
        property: "partitions",
        reason: "the existing topic has 2, the declaration says 3; declare what exists to adopt it, then change it",
      },
      {
        property: "config.retention.ms",
        reason:
          'the existing topic has "3600000", the declaration says "7200000"; declare what exists to adopt it, then change it',
      },
    ]);
    const same = inputs({ partitions: 2, config: { "retention.ms": "3600000" }, adopt: true });
    expect((await cluster.provider().check!(none, same)).failures).toEqual([]);
  });

  it("reads a topic with an offline partition (leader -1) as it is when adopting it", async () => {
    const cluster = new FakeCluster();
    const topic = cluster.addTopic("clicks", 2, 3, { "min.insync.replicas": "2" });
    topic.partitions[1] = { leader: -1, replicas: [1, 2, 3], isr: [3] };
    expect((await cluster.provider().check!(none, inputs({ partitions: 3, adopt: true }))).failures).toEqual([
      {
        property: "partitions",
        reason: "the existing topic has 2, the declaration says 3; declare what exists to adopt it, then change it",
      },
    ]);
  });

  it("refuses nothing when the cluster cannot be reached: the same checks run again before anything changes", async () => {
    const cluster = new FakeCluster();
    cluster.unreachable = true;
    expect((await cluster.provider().check!(none, inputs({ replicationFactor: 3 }))).failures).toEqual([]);
    expect(cluster.calls).toEqual(["connect"]);
  });
});
