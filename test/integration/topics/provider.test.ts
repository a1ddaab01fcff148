// The KafkaTopic provider's methods against the real test cluster, each
// result checked with Kafka's own TopicCommand where it can see it; and, on a
// cluster of this file's own with a broker stopped, against an offline partition.
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createAdminPool, kafkaTopicProvider as provider, type KafkaTopicInputs } from "../../../topics/provider";
import { createTopicShared } from "../../../topics/provider/operations";
import { kafkajs } from "../../../lib/kafkajs";
import { startTestCluster, type TestCluster } from "../../../support/cluster";
import { waitUntil } from "../../../support/consumer-service";
import { TOPIC_COMMAND, parseTopicDescribe, runKafkaToolOk } from "../../../support/kafka-tools";

const cluster = inject("cluster");
const bootstrapServers = cluster.bootstrapServers;
const kafka = new Kafka({
  clientId: "provider-test",
  brokers: bootstrapServers.split(","),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();

beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
const topicInputs = (name: string, over: Partial<KafkaTopicInputs> = {}): KafkaTopicInputs => ({
  name,
  partitions: 3,
  replicationFactor: 3,
  config: { "min.insync.replicas": "2" },
  bootstrapServers,
  timeoutMs: 60_000,
  ...over,
});

async function describeTopic(
  topic: string,
): Promise<{ header: string; partitions: ReturnType<typeof parseTopicDescribe> }> {
  const text = await runKafkaToolOk(TOPIC_COMMAND, [
    "--bootstrap-server",
    bootstrapServers,
    "--describe",
    "--topic",
    topic,
  ]);
  return { header: text.split("\n")[0], partitions: parseTopicDescribe(text) };
}

/** Broker settings TopicCommand lists among a topic's Configs (static broker config). */
const BROKER_SETTINGS = { "min.insync.replicas": "2", "unclean.leader.election.enable": "false" };

function configsOf(header: string): Record<string, string> {
  const list = /\tConfigs: ?(.*)$/.exec(header)?.[1] ?? "";
  return Object.fromEntries(
    list
      .split(",")
      .filter(Boolean)
      .map((kv) => kv.split("=") as [string, string]),
  );
}

async function produce(topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}

async function readAll(topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: unique("provider-test") });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${got.length} of ${expected} messages in 30 s`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value!.toString());
          if (got.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got.sort();
}

describe("KafkaTopic provider", () => {
  it("creates a topic that TopicCommand sees with its partitions, a full ISR and its config", async () => {
    const name = unique("Hello-Kafka");
    const { id, outs } = await provider.create!(topicInputs(name));
    expect(id).toBe(name);
    expect(outs?.partitions).toBe(3);
    const d = await describeTopic(name);
    expect(d.header).toMatch(/PartitionCount: 3\tReplicationFactor: 3\t/);
    // Configs lists every non-default value: the topic's and the brokers' own.
    expect(configsOf(d.header)).toEqual({ ...BROKER_SETTINGS, "min.insync.replicas": "2" });
    for (const p of d.partitions) expect([...p.isr].sort()).toEqual([1, 2, 3]);
  });

  it("creates and deletes many topics at once in shared requests; a topic the broker refuses fails alone", async () => {
    const names = Array.from({ length: 12 }, (_, i) => unique(`many-${i}`));
    const refused = unique("many-refused");
    const results = await Promise.allSettled([
      ...names.map((n) => provider.create!(topicInputs(n, { partitions: 2 }))),
      // Passes the provider's own checks; the broker refuses the value.
      provider.create!(topicInputs(refused, { config: { "cleanup.policy": "shred" } })),
    ]);
    expect(results.slice(0, names.length).map((r) => r.status)).toEqual(names.map(() => "fulfilled"));
    const last = results.at(-1)!;
    expect(last.status).toBe("rejected");
    expect(String((last as PromiseRejectedResult).reason)).toContain(
      `topic "${refused}": the brokers refused to create it: INVALID_CONFIG: Configuration is invalid`,
    );
    const md = await admin.fetchTopicMetadata({ topics: names });
    for (const t of md.topics) expect(t.partitions.map((p) => p.isr.length)).toEqual([3, 3]);
    expect(await admin.listTopics()).not.toContain(refused);

    await Promise.all([...names, unique("never-made")].map((n) => provider.delete!(n, topicInputs(n))));
    const left = await admin.listTopics();
    expect(names.filter((n) => left.includes(n))).toEqual([]);
  });

  it("refuses to adopt an existing topic and points to import", async () => {
    const name = unique("existing");
    await admin.createTopics({
      topics: [{ topic: name, numPartitions: 1, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    await expect(provider.create!(topicInputs(name))).rejects.toThrow(
      /already exists in the cluster; it is not adopted silently.*import: true/,
    );
    expect((await describeTopic(name)).partitions).toHaveLength(1);
  });

  it("a shared create refuses a topic that existed and creates the one it made: per topic, as the brokers answered", async () => {
    // kafkajs answers such a request with a bare `false`; the provider's patch of its broker call says which topic.
    const existed = unique("existed");
    const made = unique("made");
    await admin.createTopics({
      topics: [{ topic: existed, numPartitions: 1, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    const spec = (topic: string) => ({ topic, numPartitions: 2, replicationFactor: 3 });
    const [first, second] = await createAdminPool().withAdmin(bootstrapServers, (a) =>
      Promise.allSettled([createTopicShared(a, spec(existed)), createTopicShared(a, spec(made))]),
    );
    expect(first.status).toBe("rejected");
    expect(String((first as PromiseRejectedResult).reason)).toContain(
      `topic "${existed}": already exists in the cluster: something else created it after this run checked for it.`,
    );
    expect(second.status).toBe("fulfilled");
    expect((await describeTopic(existed)).partitions).toHaveLength(1);
    await waitUntil(`${made} to have its partitions`, 30_000, () =>
      admin
        .fetchTopicMetadata({ topics: [made] })
        .then((md) => md.topics[0]?.partitions.length === 2)
        .catch(() => false),
    );
    await Promise.all([existed, made].map((n) => provider.delete!(n, topicInputs(n))));
  });

  it("adopts an existing topic only as it is: a declaration that differs is refused at check and create", async () => {
    const name = unique("adopted");
    await admin.createTopics({
      topics: [
        {
          topic: name,
          numPartitions: 2,
          replicationFactor: 3,
          configEntries: [{ name: "retention.ms", value: "3600000" }],
        },
      ],
      waitForLeaders: true,
    });
    const differs = topicInputs(name, { partitions: 3, config: { "retention.ms": "7200000" }, adopt: true });
    const checked = await provider.check!(undefined as unknown as KafkaTopicInputs, differs);
    expect(checked.failures).toEqual([
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
    await expect(provider.create!(differs)).rejects.toThrow(/not adopted: partitions: the existing topic has 2/);
    const same = topicInputs(name, { partitions: 2, config: { "retention.ms": "3600000" }, adopt: true });
    expect((await provider.check!(undefined as unknown as KafkaTopicInputs, same)).failures).toEqual([]);
    const { id } = await provider.create!(same);
    expect(id).toBe(name);
    expect(configsOf((await describeTopic(name)).header)["retention.ms"]).toBe("3600000");
  });

  it("check refuses a partition decrease, an impossible replication factor and config the brokers reject", async () => {
    const name = unique("checked");
    const olds = topicInputs(name, { partitions: 6 });
    const decrease = await provider.check!(olds, topicInputs(name, { partitions: 3 }));
    expect(decrease.failures).toEqual([
      {
        property: "partitions",
        reason: expect.stringMatching(
          /^cannot decrease the partitions of ".*" from 6 to 3: Kafka cannot remove partitions/,
        ),
      },
    ]);
    const rf4 = await provider.check!(olds, topicInputs(name, { partitions: 6, replicationFactor: 4 }));
    expect(rf4.failures).toEqual([
      { property: "replicationFactor", reason: "4 is more than the 3 live brokers; Kafka cannot place the replicas" },
    ]);
    const badValue = await provider.check!(
      undefined as unknown as KafkaTopicInputs,
      topicInputs(name, { config: { "retention.ms": "forever" } }),
    );
    expect(badValue.failures).toEqual([
      {
        property: "config.retention.ms",
        reason: expect.stringMatching(/^the cluster refuses "forever" \(INVALID_CONFIG/),
      },
    ]);
    const badKey = await provider.check!(
      undefined as unknown as KafkaTopicInputs,
      topicInputs(name, { config: { "no.such.setting": "1", "retention.ms": "1000" } }),
    );
    expect(badKey.failures).toEqual([
      { property: "config.no.such.setting", reason: expect.stringMatching(/^the cluster refuses "1"/) },
    ]);
    expect(await admin.listTopics()).not.toContain(name);
  });

  it("check does not ask the cluster again about a topic that asks nothing new of it", async () => {
    const name = unique("unchanged");
    // Stands for a topic applied when the cluster could place it, checked again while it cannot (3 live brokers).
    const applied = topicInputs(name, { partitions: 6, replicationFactor: 4 });
    expect((await provider.check!(applied, { ...applied, policyExemption: { reason: "test" } })).failures).toEqual([]);
    const grown = await provider.check!(applied, topicInputs(name, { partitions: 7, replicationFactor: 4 }));
    expect(grown.failures).toEqual([
      { property: "replicationFactor", reason: "4 is more than the 3 live brokers; Kafka cannot place the replicas" },
    ]);
  });

  it("grows partitions in place, and update refuses a decrease", async () => {
    const name = unique("grow");
    const v1 = topicInputs(name);
    await provider.create!(v1);
    const v2 = topicInputs(name, { partitions: 6 });
    expect(await provider.diff!(name, v1, v2)).toMatchObject({ changes: true, replaces: [] });
    await provider.update!(name, v1, v2);
    const d = await describeTopic(name);
    expect(d.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const p of d.partitions) expect(p.isr).toHaveLength(3);
    await expect(provider.update!(name, v2, v1)).rejects.toThrow(/cannot decrease the partitions/);
    expect((await describeTopic(name)).partitions).toHaveLength(6);
  });

  it("changes the replication factor 3 -> 2 -> 3 by reassignment, keeping leaders and data", async () => {
    const name = unique("rf");
    const v3 = topicInputs(name, { config: {} });
    await provider.create!(v3);
    const messages = Array.from({ length: 30 }, (_, i) => `m${i}`);
    await produce(name, messages);
    const before = await describeTopic(name);

    const v2 = topicInputs(name, { replicationFactor: 2, config: {} });
    expect(await provider.diff!(name, v3, v2)).toMatchObject({ changes: true, replaces: [] });
    await provider.update!(name, v3, v2);
    const after2 = await describeTopic(name);
    expect(after2.header).toMatch(/ReplicationFactor: 2/);
    for (const p of after2.partitions) {
      expect(p.replicas).toHaveLength(2);
      expect(p.isr).toHaveLength(2);
      // The leader did not move, and it is the preferred (first) replica.
      expect(p.leader).toBe(before.partitions[p.partition].leader);
      expect(p.replicas[0]).toBe(p.leader);
    }
    const perBroker = [1, 2, 3].map((b) => after2.partitions.filter((p) => p.replicas.includes(b)).length);
    expect(perBroker).toEqual([2, 2, 2]);

    await provider.update!(name, v2, v3);
    const after3 = await describeTopic(name);
    for (const p of after3.partitions) expect([...p.isr].sort()).toEqual([1, 2, 3]);
    expect(await readAll(name, messages.length)).toEqual([...messages].sort());
  });

  it("manages only declared config keys: set, change, remove back to the default, others untouched", async () => {
    const name = unique("config");
    const v1 = topicInputs(name, { config: { "retention.ms": "3600000" } });
    await provider.create!(v1);
    // Someone sets another key outside Pulumi; it must survive our updates.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name,
          configEntries: [
            { name: "retention.ms", value: "3600000" },
            { name: "segment.ms", value: "600000" },
          ],
        },
      ],
    });
    const v2 = topicInputs(name, { config: { "retention.ms": "7200000", "cleanup.policy": "compact" } });
    await provider.update!(name, v1, v2);
    expect(configsOf((await describeTopic(name)).header)).toEqual({
      ...BROKER_SETTINGS,
      "cleanup.policy": "compact",
      "retention.ms": "7200000",
      "segment.ms": "600000",
    });
    const v3 = topicInputs(name, { config: { "cleanup.policy": "compact" } });
    await provider.update!(name, v2, v3);
    expect(configsOf((await describeTopic(name)).header)).toEqual({
      ...BROKER_SETTINGS,
      "cleanup.policy": "compact",
      "segment.ms": "600000",
    });
  });

  it("read sees partitions, replication factor and declared config changed outside Pulumi, and imports all overrides", async () => {
    const name = unique("drift");
    const v1 = topicInputs(name);
    await provider.create!(v1);
    await admin.createPartitions({ topicPartitions: [{ topic: name, count: 5 }] });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name,
          configEntries: [
            { name: "min.insync.replicas", value: "1" },
            { name: "retention.ms", value: "1000" },
          ],
        },
      ],
    });
    // Brokers learn of the new partitions from the controller a moment later: wait for the one read asks.
    const refreshed = await waitUntil("read to see the 5 partitions", 10_000, async () => {
      const r = await provider.read!(name, v1);
      return r.props?.partitions === 5 ? r : undefined;
    });
    expect(refreshed.id).toBe(name);
    expect(refreshed.props).toMatchObject({
      partitions: 5,
      replicationFactor: 3,
      config: { "min.insync.replicas": "1" },
    });
    // Only the declared key is reported on refresh; an import takes every override.
    expect(refreshed.props!.config).toEqual({ "min.insync.replicas": "1" });
    const imported = await provider.read!(name, { bootstrapServers } as KafkaTopicInputs);
    expect(imported.props).toMatchObject({
      name,
      partitions: 5,
      replicationFactor: 3,
      config: { "min.insync.replicas": "1", "retention.ms": "1000" },
    });
  });

  it("delete removes the topic and returns when it is gone; read then reports it missing", async () => {
    const name = unique("delete");
    const v1 = topicInputs(name);
    await provider.create!(v1);
    await provider.delete!(name, v1);
    expect(await admin.listTopics()).not.toContain(name);
    expect((await provider.read!(name, v1)).id).toBe("");
  });
});

describe("KafkaTopic provider with an offline partition (own cluster)", () => {
  let cluster: TestCluster;
  // Partition 0 lives only on broker 3: offline once it stops. The brokers' min.insync.replicas is 2, hence the override.
  const single = (over: Partial<KafkaTopicInputs> = {}): KafkaTopicInputs => ({
    ...topicInputs("single", { partitions: 2, replicationFactor: 1, config: { "min.insync.replicas": "1" } }),
    bootstrapServers: cluster.bootstrapServers,
    ...over,
  });

  beforeAll(async () => {
    cluster = await startTestCluster({
      addressPrefix: process.env.KAFKA_CLUSTER_TEST_ADDRESS_PREFIX,
      brokerPort: 19292,
      zookeeperPort: 12381,
    });
    // Patched as the provider's own clients are: an offline partition reads as leader -1.
    const { Kafka: PatchedKafka } = kafkajs();
    const own = new PatchedKafka({
      clientId: "provider-test",
      brokers: cluster.bootstrapServers.split(","),
      logLevel: logLevel.NOTHING,
    }).admin();
    await own.connect();
    try {
      await own.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: "single",
            replicaAssignment: [
              { partition: 0, replicas: [3] },
              { partition: 1, replicas: [1] },
            ],
            configEntries: [{ name: "min.insync.replicas", value: "1" }],
          },
        ],
      });
      await cluster.stopBroker(3);
      await waitUntil("partition 0 of single to lose its leader", 60_000, async () => {
        const { topics } = await own.fetchTopicMetadata({ topics: ["single"] });
        return topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader === -1;
      });
    } finally {
      await own.disconnect();
    }
  }, 180_000);

  afterAll(() => cluster?.stop(), 60_000);

  it("reads the topic as it is, and adoption is checked against it", async () => {
    const read = await provider.read!("single", single({ partitions: 5 }));
    expect(read.props).toMatchObject({ partitions: 2, replicationFactor: 1, config: { "min.insync.replicas": "1" } });
    expect(
      (await provider.check!(undefined as unknown as KafkaTopicInputs, single({ partitions: 3, adopt: true })))
        .failures,
    ).toEqual([
      {
        property: "partitions",
        reason: "the existing topic has 2, the declaration says 3; declare what exists to adopt it, then change it",
      },
    ]);
  });

  it("refuses a replication factor change: a partition without a leader has no replica to copy from", async () => {
    await expect(provider.update!("single", single(), single({ replicationFactor: 2 }))).rejects.toThrow(
      'topic "single": cannot read its partitions to reassign them (a partition without a leader?)',
    );
  });
});
