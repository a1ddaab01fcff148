// Kafka's own tools and kafkajs agree about the same cluster.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CONSOLE_PRODUCER, TOPIC_COMMAND, parseTopicDescribe, runKafkaToolOk } from "../../../support/kafka-tools";
import { kafkajs } from "../../../lib/kafkajs";

const { Kafka, logLevel } = kafkajs();
const cluster = inject("cluster");
const kafka = new Kafka({
  clientId: "tools-test",
  brokers: cluster.bootstrapServers.split(","),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();

beforeAll(() => admin.connect());
afterAll(() => admin.disconnect());

describe("Kafka's own tools against the test cluster", () => {
  it("TopicCommand describes a topic created through the admin API: 3 partitions, 3 replicas each, full ISR", async () => {
    const topic = `tools-describe-${randomUUID().slice(0, 8)}`;
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);

    const text = await runKafkaToolOk(TOPIC_COMMAND, [
      "--bootstrap-server",
      cluster.bootstrapServers,
      "--describe",
      "--topic",
      topic,
    ]);
    expect(text).toMatch(
      new RegExp(`^Topic: ${topic}\\tTopicId: \\S+\\tPartitionCount: 3\\tReplicationFactor: 3\\t`, "m"),
    );
    const partitions = parseTopicDescribe(text);
    expect(partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    for (const p of partitions) {
      expect(p.topic).toBe(topic);
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
      expect(p.replicas).toContain(p.leader);
    }
    // Leadership is spread: each broker leads one of the three partitions.
    expect(new Set(partitions.map((p) => p.leader)).size).toBe(3);
  });

  it("a message from Kafka's console producer is read back from the beginning by a kafkajs consumer", async () => {
    const topic = `tools-hello-${randomUUID().slice(0, 8)}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await runKafkaToolOk(
      CONSOLE_PRODUCER,
      ["--bootstrap-server", cluster.bootstrapServers, "--topic", topic, "--producer-property", "acks=all"],
      {
        input: "hello kafka\n",
      },
    );

    const consumer = kafka.consumer({ groupId: `tools-test-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? "") });
      });
      const deadline = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("no message within 30 s")), 30_000).unref(),
      );
      expect(await Promise.race([received, deadline])).toBe("hello kafka");
    } finally {
      await consumer.disconnect();
    }
  });
});
