// What create may clean up (only a topic its own request made) and what an
// unfinished reassignment leaves behind (nothing: it is cancelled), over the
// fake cluster, with the races a real cluster shows only by chance.
import { describe, expect, it } from "vitest";
import { TopicError } from "../../../../lib/errors";
import { createAdminPool, topicProvider, type KafkaTopicInputs } from "../../../../topics/provider";
import type { PooledAdmin } from "../../../../topics/provider/admin-pool";
import { FakeCluster, topicInputs } from "./fake-cluster";

const { createErrorFromCode } = require("kafkajs/src/protocol/error") as {
  createErrorFromCode: (code: number) => Error;
};
const { KafkaJSAggregateError, KafkaJSCreateTopicError } = require("kafkajs/src/errors") as {
  KafkaJSAggregateError: new (message: string, errors: Error[]) => Error;
  KafkaJSCreateTopicError: new (e: Error, topic: string) => Error;
};
const REQUEST_TIMED_OUT = 7;

const inputs = (over: Partial<KafkaTopicInputs> = {}): KafkaTopicInputs => topicInputs({ timeoutMs: 1_000, ...over });

/** A provider over one fake admin whose createTopics runs `around` the cluster's own. */
function providerWith(
  cluster: FakeCluster,
  around: (create: PooledAdmin["createTopics"], req: Parameters<PooledAdmin["createTopics"]>[0]) => Promise<boolean>,
): ReturnType<typeof topicProvider> {
  const admin = cluster.admin();
  const create = admin.createTopics.bind(admin);
  admin.createTopics = (req) => (req.validateOnly ? create(req) : around(create, req));
  return topicProvider(createAdminPool(() => admin));
}

const deletes = (cluster: FakeCluster): string[] => cluster.calls.filter((c) => c.startsWith("deleteTopics"));

describe("create cleans up only what its own request made", () => {
  it("refuses a topic someone else created between the check and the create, naming it, and leaves it alone", async () => {
    const cluster = new FakeCluster();
    const provider = providerWith(cluster, async (create, req) => {
      cluster.addTopic("clicks", 5, 3, { "retention.ms": "1000" }); // someone else, just before ours
      return create(req);
    });
    const err = await provider.create!(inputs()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopicError);
    expect((err as Error).message).toBe(
      'topic "clicks": already exists in the cluster: something else created it after this run checked for it. ' +
        "It is not adopted (and never deleted) by accident; to manage it, add `import: true` to its entry in kafka-cluster:topics.",
    );
    expect(cluster.topics.get("clicks")).toMatchObject({ overrides: { "retention.ms": "1000" } });
    expect(cluster.topics.get("clicks")!.partitions).toHaveLength(5);
    expect(deletes(cluster)).toEqual([]);
  });

  it("in one shared request, refuses the topic that existed and creates the one it made", async () => {
    const cluster = new FakeCluster();
    const provider = providerWith(cluster, async (create, req) => {
      cluster.addTopic("clicks", 1, 3);
      return create(req);
    });
    const [clicks, orders] = await Promise.allSettled([
      provider.create!(inputs()),
      provider.create!(inputs({ name: "orders" })),
    ]);
    expect(cluster.calls.filter((c) => c.startsWith("createTopics"))).toEqual(["createTopics clicks,orders"]);
    expect(clicks).toMatchObject({ status: "rejected", reason: { topic: "clicks" } });
    expect((clicks as PromiseRejectedResult).reason.message).toMatch(/already exists in the cluster/);
    expect(orders).toMatchObject({ status: "fulfilled", value: { id: "orders" } });
    expect(cluster.topics.get("clicks")!.partitions).toHaveLength(1);
    expect(deletes(cluster)).toEqual([]);
  });

  it("makes nothing when the brokers refuse the topic", async () => {
    const cluster = new FakeCluster();
    cluster.refusedKeys.add("min.insync.replicas");
    await expect(cluster.provider().create!(inputs())).rejects.toThrow(
      /^topic "clicks": the brokers refused to create it: INVALID_CONFIG/,
    );
    expect(cluster.topics.has("clicks")).toBe(false);
    expect(deletes(cluster)).toEqual([]);
  });

  it("counts REQUEST_TIMED_OUT as made by its request: waited for, and removed when it never becomes healthy", async () => {
    const cluster = new FakeCluster();
    const provider = providerWith(cluster, async (create, req) => {
      await create(req);
      for (const p of cluster.topics.get("clicks")!.partitions) p.leader = -1;
      const timedOut = new KafkaJSCreateTopicError(createErrorFromCode(REQUEST_TIMED_OUT), "clicks");
      throw new KafkaJSAggregateError("Topic creation errors", [timedOut]);
    });
    await expect(provider.create!(inputs())).rejects.toThrow(/^topic "clicks": not healthy after 1000 ms/);
    expect(cluster.topics.has("clicks")).toBe(false);
  });

  it("after a create request that failed as a whole, leaves a topic that exists as it is and says so", async () => {
    const cluster = new FakeCluster();
    const lost = new Error("Request CreateTopics(key: 19, version: 3) timed out");
    const made = providerWith(cluster, async (create, req) => {
      await create(req); // the broker made it; the answer never came
      throw lost;
    });
    await expect(made.create!(inputs())).rejects.toThrow(
      'topic "clicks": the create request failed (Request CreateTopics(key: 19, version: 3) timed out), and the topic ' +
        "exists now: this run cannot tell whether its request made it, so it is left as it is. Delete it, or adopt it " +
        "with `import: true` in its entry.",
    );
    expect(cluster.topics.has("clicks")).toBe(true);
    expect(deletes(cluster)).toEqual([]);

    const other = new FakeCluster();
    const notMade = providerWith(other, async () => Promise.reject(lost));
    await expect(notMade.create!(inputs())).rejects.toBe(lost);
    expect(other.topics.has("clicks")).toBe(false);
  });
});

describe("a reassignment that does not finish in time", () => {
  it("is cancelled: the partitions keep the replicas they had, and the error says so", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 3, 2);
    cluster.stuckReassignments = true;
    const err = await cluster.provider().update!("clicks", inputs({ replicationFactor: 2 }), inputs()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TopicError);
    expect((err as Error).message).toBe(
      'topic "clicks": reassignment to replication factor 3 not complete after 1000 ms, cancelled: the partitions keep ' +
        "their replicas as they were, and the next `up` starts the change again",
    );
    expect(cluster.calls.filter((c) => c.startsWith("alterPartitionReassignments"))).toHaveLength(2);
    expect((await cluster.admin().listPartitionReassignments({})).topics).toEqual([]);
    expect(cluster.topics.get("clicks")!.partitions.map((p) => p.replicas)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it("names the command that cancels it when the cancel fails", async () => {
    const cluster = new FakeCluster();
    cluster.addTopic("clicks", 1, 2);
    cluster.stuckReassignments = true;
    const admin = cluster.admin();
    const alter = admin.alterPartitionReassignments.bind(admin);
    let calls = 0;
    admin.alterPartitionReassignments = async (req) =>
      ++calls === 1 ? alter(req) : Promise.reject(new Error("Connection closed"));
    const provider = topicProvider(createAdminPool(() => admin));
    await expect(
      provider.update!("clicks", inputs({ partitions: 1, replicationFactor: 2 }), inputs({ partitions: 1 })),
    ).rejects.toThrow(
      'topic "clicks": reassignment to replication factor 3 not complete after 1000 ms, and cancelling it failed ' +
        '(Connection closed): it may still be running. To cancel it, write {"version":1,"partitions":[{"topic":"clicks",' +
        '"partition":0,"replicas":[1,2]}]} to reassignment.json and run kafka-reassign-partitions.sh --bootstrap-server ' +
        "<bootstrapServers> --reassignment-json-file reassignment.json --cancel",
    );
  });
});
