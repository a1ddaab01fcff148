// The rolling restart's gate, turn-taking and catch-up (infra/roll/) against
// a real ZooKeeper and three real brokers, under an acks=all producer and a
// sampler of every partition's in-sync set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkajs } from "../../../lib/kafkajs";
import { connectZk, readBrokerRegistrations } from "../../../lib/zookeeper/client";
import { rollBroker, type RollOptions } from "../../../infra/roll/roll";
import { missingFromTopic, startAvailabilityProbe } from "../../../support/availability";
import { startTestCluster, type TestCluster } from "../../../support/cluster";
import { waitFor } from "../../../lib/poll";
import { readPartitions } from "../../../infra/roll/cluster-state";
import { outOfSync } from "../../../infra/roll/partitions";
import { dockerRollGateProvider } from "../../../infra/roll/docker-gate";

const { Kafka, logLevel } = kafkajs();
const PREFIX = process.env.KAFKA_CLUSTER_ROLL_TEST_PREFIX ?? "127.0.23";
const TOPIC = "roll-test";

let cluster: TestCluster;
const quiet = (): void => undefined;

const options = (brokerId: number, extra: Partial<RollOptions> = {}): RollOptions => ({
  zookeeperConnect: cluster.zookeeperConnect,
  brokerId,
  label: `broker ${brokerId}`,
  defaultMinIsr: 2,
  ...extra,
});

async function allInSync(): Promise<void> {
  const zk = await connectZk(cluster.zookeeperConnect, { timeoutMs: 5_000 });
  try {
    await waitFor(async () => (await readPartitions(zk, 2)).every((p) => p.isr.length === p.replicas.length), {
      timeoutMs: 60_000,
      what: "every partition fully in sync",
    });
  } finally {
    zk.close();
  }
}

async function controller(): Promise<number | null> {
  const zk = await connectZk(cluster.zookeeperConnect, { timeoutMs: 5_000 });
  try {
    return (await readBrokerRegistrations(zk)).controller;
  } finally {
    zk.close();
  }
}

beforeAll(async () => {
  cluster = await startTestCluster({ addressPrefix: PREFIX, brokerSettings: { "min.insync.replicas": 2 } });
  const admin = new Kafka({ brokers: cluster.bootstrapServers.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: 6, replicationFactor: 3 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  await allInSync();
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("rolling restart of every broker", () => {
  it("restarts one broker at a time, the controller last, with every partition writable", async () => {
    const firstController = await controller();
    const probe = startAvailabilityProbe({
      bootstrapServers: cluster.bootstrapServers,
      zookeeperConnect: cluster.zookeeperConnect,
      topic: TOPIC,
      defaultMinIsr: 2,
    });
    const restarts: Array<{ id: number; from: number; to: number }> = [];
    const restart = (id: number) => async () => {
      const from = Date.now();
      await cluster.stopBroker(id, "SIGTERM");
      await cluster.startBroker(id);
      restarts.push({ id, from, to: Date.now() });
    };
    await Promise.all([1, 2, 3].map((id) => rollBroker(options(id), restart(id), quiet)));
    const report = await probe.stop();

    expect(restarts.map((r) => r.id)).toHaveLength(3);
    for (let i = 1; i < restarts.length; i++) expect(restarts[i]!.from).toBeGreaterThanOrEqual(restarts[i - 1]!.to);
    expect(restarts[2]!.id).toBe(firstController);
    expect(report.failed).toBe(0);
    expect(report.belowMinIsr).toEqual([]);
    expect(report.fewestLiveBrokers).toBeGreaterThanOrEqual(2);
    expect(report.samples).toBeGreaterThan(10);
    expect(await missingFromTopic(cluster.bootstrapServers, TOPIC, report.ackedValues)).toEqual([]);
    console.log(
      `rolling restart: ${report.acked} acked, longest stall ${report.longestStallMs} ms, p99 ${report.p99LatencyMs} ms`,
    );
  }, 300_000);

  it("leaves each broker back in sync, with leadership balanced again", async () => {
    const zk = await connectZk(cluster.zookeeperConnect, { timeoutMs: 5_000 });
    try {
      const parts = await readPartitions(zk, 2);
      for (const id of [1, 2, 3]) expect(outOfSync(parts, id)).toEqual([]);
      await waitFor(async () => (await readPartitions(zk, 2)).every((p) => p.leader === p.replicas[0]), {
        timeoutMs: 30_000,
        what: "preferred leaders to lead",
      });
    } finally {
      zk.close();
    }
  }, 60_000);

  it("restarts nothing when a broker is already down, naming the partitions that hold the roll", async () => {
    await cluster.stopBroker(3, "SIGKILL");
    const zk = await connectZk(cluster.zookeeperConnect, { timeoutMs: 5_000 });
    try {
      await waitFor(async () => (await readPartitions(zk, 2)).every((p) => !p.isr.includes(3)), {
        timeoutMs: 60_000,
        what: "broker 3 to drop out of every in-sync set",
      });
    } finally {
      zk.close();
    }
    let restarted = 0;
    const results = await Promise.allSettled(
      [1, 2].map((id) => rollBroker(options(id, { gateTimeoutMs: 3_000 }), async () => void restarted++, quiet)),
    );
    // The dead one is not started behind the state's back either: a refresh says it stopped.
    const dead = rollBroker(options(3, { gateTimeoutMs: 3_000 }), async () => void restarted++, quiet);
    await expect(dead).rejects.toThrow(/broker 3: not restarted: it is not running .*up --refresh/);
    expect(restarted).toBe(0);
    const messages = results.map((r) => (r.status === "rejected" ? String((r.reason as Error).message) : "fulfilled"));
    expect(messages.join("\n")).toMatch(/not restarted: stopping it would take partitions below min\.insync\.replicas/);
    expect(messages.join("\n")).toMatch(/roll-test-\d \(in sync \d,\d of \d,\d,\d; min\.insync\.replicas 2\)/);
    for (const m of messages) expect(m).toMatch(/not restarted/);
  }, 120_000);

  it("the docker target's roll gate holds too, naming the broker and the partitions", async () => {
    const gate = (after: number | undefined, before: number | undefined) =>
      dockerRollGateProvider.create!({
        zookeeperConnect: cluster.zookeeperConnect,
        defaultMinIsr: 2,
        timeoutMs: 2_000,
        ...(after ? { after: { brokerId: after, containerId: "c" } } : {}),
        ...(before ? { before: { brokerId: before, specHash: "h" } } : {}),
      });
    await expect(gate(3, undefined)).rejects.toThrow(/broker 3: not registered in ZooKeeper after 2000 ms/);
    await expect(gate(undefined, 1)).rejects.toThrow(
      /broker 1: not replaced: stopping it would take partitions below min\.insync\.replicas after 2000 ms: roll-test-\d/,
    );
  }, 60_000);

  it("starts a broker a refresh found stopped without waiting on the gate", async () => {
    await rollBroker(options(3, { gateTimeoutMs: 3_000, expectRunning: false }), () => cluster.startBroker(3), quiet);
    await allInSync();
  }, 120_000);

  it("the docker target's roll gate passes once the broker before is back in sync", async () => {
    await dockerRollGateProvider.create!({
      zookeeperConnect: cluster.zookeeperConnect,
      defaultMinIsr: 2,
      timeoutMs: 30_000,
      after: { brokerId: 3, containerId: "c" },
      before: { brokerId: 1, specHash: "h" },
    });
  }, 60_000);
});
