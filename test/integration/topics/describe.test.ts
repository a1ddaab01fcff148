// `npm run topics -- describe` against Kafka's own TopicCommand on the same
// cluster: the output must be the same, byte for byte, with and without the
// report flags. The flags are checked on a cluster of this file's own, with a
// broker stopped, so the shared test cluster stays whole.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { promisify } from "node:util";
import { kafkajs } from "../../../lib/kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { observeTopics } from "../../../topics/observe";
import { startTestCluster, type TestCluster } from "../../../support/cluster";
import { TOPIC_COMMAND, runKafkaToolOk } from "../../../support/kafka-tools";

const { Kafka, logLevel } = kafkajs();

const ROOT = path.join(__dirname, "..", "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: readonly string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [path.join(ROOT, "topics", "cli.ts"), ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const topicCommand = (bootstrapServers: string, args: readonly string[]): Promise<string> =>
  runKafkaToolOk(TOPIC_COMMAND, ["--bootstrap-server", bootstrapServers, "--describe", ...args]);

async function sameAsTopicCommand(
  bootstrapServers: string,
  ours: readonly string[],
  theirs: readonly string[],
): Promise<string> {
  const mine = await cli(["describe", "--bootstrap-server", bootstrapServers, ...ours]);
  expect(mine.stderr).toBe("");
  expect(mine.code).toBe(0);
  expect(mine.stdout).toBe(await topicCommand(bootstrapServers, theirs));
  return mine.stdout;
}

describe("describe on the shared cluster", () => {
  const { bootstrapServers } = inject("cluster");
  const kafka = new Kafka({
    clientId: "describe-test",
    brokers: bootstrapServers.split(","),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const plain = unique("Hello-Kafka");
  const overridden = unique("overridden");

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: plain, numPartitions: 3, replicationFactor: 3 },
        {
          topic: overridden,
          numPartitions: 2,
          replicationFactor: 2,
          configEntries: [
            { name: "min.insync.replicas", value: "1" },
            { name: "cleanup.policy", value: "compact" },
            { name: "retention.ms", value: "3600000" },
            { name: "max.message.bytes", value: "200000" },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [plain, overridden] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("prints a 3x3 topic as TopicCommand does, topic id and broker settings included", async () => {
    const out = await sameAsTopicCommand(bootstrapServers, [plain], ["--topic", plain]);
    expect(out).toMatch(
      new RegExp(`^Topic: ${plain}\\tTopicId: \\S{22}\\tPartitionCount: 3\\tReplicationFactor: 3\\tConfigs: `),
    );
    expect(out.split("\n").filter((l) => l.startsWith("\tTopic:"))).toHaveLength(3);
  });

  it("prints a topic's config overrides in TopicCommand's order", async () => {
    const out = await sameAsTopicCommand(bootstrapServers, [overridden], ["--topic", overridden]);
    expect(out).toContain("cleanup.policy=compact");
    expect(out).toContain("max.message.bytes=200000");
  });

  it("prints several topics in TopicCommand's order", async () => {
    await sameAsTopicCommand(bootstrapServers, [overridden, plain], ["--topic", `${plain}|${overridden}`]);
  });

  it("fails with exit code 1 naming an unknown topic", async () => {
    const r = await cli(["describe", plain, "no-such-topic", "--bootstrap-server", bootstrapServers]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`error: topic 'no-such-topic' does not exist in the cluster at ${bootstrapServers}\n`);
  });

  it("fails with exit code 1 when no broker answers, and 2 on bad usage", async () => {
    const nowhere = "127.0.0.1:1";
    const r = await cli(["describe", "--bootstrap-server", nowhere]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot reach the Kafka cluster at 127\.0\.0\.1:1: .*ECONNREFUSED/);
    const bad = await cli(["describe", "--no-such-flag"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--no-such-flag'[\s\S]*usage: npm run topics -- describe/);
  });
});

describe("report flags with a broker down (own cluster)", () => {
  let cluster: TestCluster;
  const flags = [
    "--under-replicated-partitions",
    "--under-min-isr-partitions",
    "--at-min-isr-partitions",
    "--unavailable-partitions",
  ];

  beforeAll(async () => {
    cluster = await startTestCluster({
      addressPrefix: process.env.KAFKA_CLUSTER_TEST_ADDRESS_PREFIX,
      brokerPort: 19192,
      zookeeperPort: 12281,
    });
    const kafka = new Kafka({
      clientId: "describe-test",
      brokers: cluster.bootstrapServers.split(","),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: "three",
            numPartitions: 3,
            replicationFactor: 3,
            configEntries: [{ name: "min.insync.replicas", value: "2" }],
          },
          { topic: "two", numPartitions: 3, replicationFactor: 2 },
          // Partition 0 lives only on broker 3: offline once it stops.
          {
            topic: "single",
            replicaAssignment: [
              { partition: 0, replicas: [3] },
              { partition: 1, replicas: [1] },
            ],
          },
          {
            topic: "lax",
            numPartitions: 2,
            replicationFactor: 3,
            configEntries: [{ name: "min.insync.replicas", value: "1" }],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    await cluster.stopBroker(3);
    // Settled: broker 3 gone from the live set, no leader on it, and out of every ISR.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await observeTopics({
        bootstrapServers: cluster.bootstrapServers,
        zookeeperConnect: cluster.zookeeperConnect,
      });
      const parts = s.topics.flatMap((t) => t.partitions);
      const settled =
        !s.liveBrokers.includes(3) &&
        parts.every((p) => p.leader !== 3 && (p.isr.length === 1 || !p.isr.includes(3))) &&
        parts.some((p) => p.leader === null);
      if (settled) break;
      if (Date.now() > deadline)
        throw new Error(`broker 3's partitions did not settle in 60 s: ${JSON.stringify(s.topics)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 180_000);

  afterAll(() => cluster?.stop(), 60_000);

  it("prints every topic, offline partitions included, as TopicCommand does", async () => {
    const out = await sameAsTopicCommand(cluster.bootstrapServers, [], []);
    expect(out).toContain("\tTopic: single\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3\t");
  });

  for (const flag of flags) {
    it(`selects the partitions TopicCommand selects with ${flag}`, async () => {
      const out = await sameAsTopicCommand(cluster.bootstrapServers, [flag], [flag]);
      expect(out).not.toBe("");
      expect(out).not.toMatch(/^Topic:/m);
    });
  }

  it("ORs several flags as TopicCommand does", async () => {
    await sameAsTopicCommand(cluster.bootstrapServers, [flags[0], flags[3]], [flags[0], flags[3]]);
  });

  it("filters the named topics only", async () => {
    const out = await sameAsTopicCommand(
      cluster.bootstrapServers,
      ["single", "--unavailable-partitions"],
      ["--topic", "single", "--unavailable-partitions"],
    );
    expect(out).toBe("\tTopic: single\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3\tElr: N/A\tLastKnownElr: N/A\n");
  });
});
