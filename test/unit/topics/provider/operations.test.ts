// create, update and delete over a fake cluster, for the refusals and the
// cases a real cluster shows only by chance (an offline partition, a broken
// client); test/integration/topics/provider.test.ts covers the rest.
import { describe, expect, it } from "vitest";
import { TopicError } from "../../../../lib/errors";
import { createAdminPool, type KafkaTopicInputs } from "../../../../topics/provider";
import { FakeCluster, topicInputs } from "./fake-cluster";

const inputs = (over: Partial<KafkaTopicInputs> = {}): KafkaTopicInputs => topicInputs({ timeoutMs: 1_000, ...over });

describe("create", () => {
  it("creates the topic and returns once it is healthy", async () => {
    const cluster = new FakeCluster();
    expect(await cluster.provider().create!(inputs())).toEqual({ id: "clicks", outs: inputs() });
    expect(cluster.topics.get("clicks")).toMatchObject({ overrides: { "min.insync.replicas": "2" } });
    expect(cluster.topics.get("clicks")!.partitions).toHaveLength(3);
  });

  it("refuses an existing topic it was not asked to adopt, with a TopicError naming the topic", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 3, 3);
    const err = await cluster.provider().create!(inputs()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopicError);
    expect(err).toMatchObject({ topic: "clicks", retriable: false });
    expect((err as Error).message).toMatch(
      /^topic "clicks": already exists in the cluster; it is not adopted silently/,
    );
  });

  it("refuses to adopt a topic that differs, formatting each difference with its property", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 2, 3, { "min.insync.replicas": "2" });
    await expect(cluster.provider().create!(inputs({ adopt: true }))).rejects.toThrow(
      'topic "clicks": not adopted: partitions: the existing topic has 2, the declaration says 3; declare what exists to adopt it, then change it',
    );
  });

  it("removes a topic that never becomes healthy: nothing half-made", async () => {
    const cluster = new FakeCluster();
    const admin = cluster.admin();
    const createTopics = admin.createTopics.bind(admin);
    admin.createTopics = async (req) => {
      const answer = await createTopics(req);
      for (const p of cluster.topics.get("clicks")?.partitions ?? []) p.leader = -1;
      return answer;
    };
    const provider = (await import("../../../../topics/provider")).topicProvider(createAdminPool(() => admin));
    await expect(provider.create!(inputs())).rejects.toThrow(
      'topic "clicks": not healthy after 1000 ms (saw 3 partitions, 3 without a leader or a full ISR of 3)',
    );
    expect(cluster.topics.has("clicks")).toBe(false);
  });
});

describe("update", () => {
  it("refuses a partition decrease before touching the topic", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 6, 3);
    const err = await cluster.provider().update!("clicks", inputs({ partitions: 6 }), inputs()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TopicError);
    expect((err as Error).message).toMatch(/^topic "clicks": cannot decrease the partitions of "clicks" from 6 to 3/);
    expect(cluster.calls).toEqual(["connect"]);
  });

  it("refuses a replication factor change while a partition has no leader, starting no reassignment", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 3, 3).partitions[0]!.leader = -1;
    await expect(cluster.provider().update!("clicks", inputs(), inputs({ replicationFactor: 2 }))).rejects.toThrow(
      'topic "clicks": cannot read its partitions to reassign them (a partition without a leader?)',
    );
    expect(cluster.calls.some((c) => c.startsWith("alterPartitionReassignments"))).toBe(false);
  });

  it("grows partitions and waits for them, reporting an offline one when the wait ends", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 3, 3).partitions[1]!.leader = -1;
    await expect(cluster.provider().update!("clicks", inputs(), inputs({ partitions: 4 }))).rejects.toThrow(
      'topic "clicks": not healthy after 1000 ms (saw 4 partitions, 1 without a leader or a full ISR of 3)',
    );
    expect(cluster.topics.get("clicks")!.partitions).toHaveLength(4);
  });
});

describe("delete", () => {
  it("deletes the topic and returns when it is no longer listed; a missing topic is no error", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 3, 3);
    const provider = cluster.provider();
    await provider.delete!("clicks", inputs());
    expect(cluster.topics.has("clicks")).toBe(false);
    await provider.delete!("clicks", inputs());
    expect(cluster.calls.filter((c) => c.startsWith("deleteTopics"))).toEqual(["deleteTopics clicks"]);
  });
});

describe("the admin pool", () => {
  it("keeps a client after a topic's own error and replaces one after any other", async () => {
    const cluster = new FakeCluster();
    let made = 0;
    const pool = createAdminPool(() => (made++, cluster.admin()));
    const fail = (err: Error) => pool.withAdmin("fake:9092", async () => Promise.reject(err)).catch(() => undefined);
    await fail(new TopicError("clicks", "refused", false));
    await pool.withAdmin("fake:9092", async () => undefined);
    expect(made).toBe(1);
    await fail(new Error("connection lost"));
    await pool.withAdmin("fake:9092", async () => undefined);
    expect(made).toBe(2);
  });
});
