// The consumer service as a real child process against its own real cluster
// (this file kills brokers and ZooKeeper, so it does not share the global one).
import { Kafka, logLevel, type Admin, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../harness/cluster";
import { getJson, startService, waitForHealth, waitUntil, type JsonAnswer, type ServiceProcess } from "../harness/consumer-service";

// 127.0.22 by default: apart from the shared test cluster, whatever its prefix.
const PREFIX = process.env.KAFKA_CLUSTER_CONSUMER_TEST_PREFIX ?? "127.0.22";
const TOPIC = "Hello-Kafka";
/** Replicas only on brokers 1 and 2: offline once both are down. */
const PROBE = "offline-probe";

interface PartitionRow {
  topic: string;
  partition: number;
  leader: number | null;
  isr: number[];
  state: string;
  conditions: string[];
}
const rows = (a: JsonAnswer): PartitionRow[] => a.body.partitions as PartitionRow[];
const row = (a: JsonAnswer, topic: string, partition: number): PartitionRow | undefined => rows(a).find((p) => p.topic === topic && p.partition === partition);

let cluster: TestCluster;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let service: ServiceProcess | undefined;
let serviceEnv: Record<string, string>;
let serial = 0;

async function produce(words: string[]): Promise<void> {
  await producer.send({ topic: TOPIC, acks: -1, messages: words.map((w) => ({ value: w })) });
}

/** Word -> total count over the windows /stats keeps. */
async function countedWords(svc: ServiceProcess): Promise<Map<string, number>> {
  const { body } = await getJson(`${svc.baseUrl}/stats`);
  const total = new Map<string, number>();
  for (const w of body.windows as Array<{ counts: Record<string, number> }>) {
    for (const [k, v] of Object.entries(w.counts)) total.set(k, (total.get(k) ?? 0) + v);
  }
  return total;
}

async function waitForWords(svc: ServiceProcess, words: string[], timeoutMs = 30_000): Promise<Map<string, number>> {
  return waitUntil(`${words.length} words to be counted`, timeoutMs, async () => {
    const counted = await countedWords(svc);
    return words.every((w) => counted.has(w)) ? counted : undefined;
  });
}

const unique = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${++serial}x${i}`);

beforeAll(async () => {
  cluster = await startTestCluster({
    addressPrefix: PREFIX,
    brokerSettings: {
      // A killed broker leaves ZooKeeper (and the ISR) after 6 s rather than 18 s.
      "zookeeper.session.timeout.ms": 6000,
      // A restarted broker gets its preferred leaderships back within seconds.
      "leader.imbalance.check.interval.seconds": 5,
    },
  });
  kafka = new Kafka({ clientId: "consumer-test", brokers: cluster.bootstrapServers.split(","), logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: TOPIC, numPartitions: 3, replicationFactor: 3 },
      { topic: PROBE, replicaAssignment: [{ partition: 0, replicas: [1, 2] }], configEntries: [{ name: "min.insync.replicas", value: "1" }] },
    ],
  });
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  serviceEnv = {
    KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrapServers,
    ZOOKEEPER_CONNECT: cluster.zookeeperConnect,
    TOPICS: `${TOPIC},${PROBE}`,
    CONSUME_TOPICS: TOPIC,
    GROUP_ID: "consumer-test",
    WINDOW_MS: "1000",
    WINDOWS_KEPT: "200",
    HTTP_HOST: `${PREFIX}.1`,
    HTTP_PORT: "18080",
    ADMIN_POLL_MS: "500",
    STALE_AFTER_MS: "5000",
  };
  service = await startService(serviceEnv);
}, 180_000);

afterAll(async () => {
  await service?.stop("SIGKILL");
  await producer?.disconnect();
  await admin?.disconnect();
  await cluster?.stop();
}, 120_000);

describe("consumer service on a real cluster", () => {
  it("healthy cluster: every partition ok, 200, ready; a produced message shows up in the next window", async () => {
    const h = await waitForHealth(service!.baseUrl, "200 from /health", 60_000, (a) => a.status === 200);
    expect(h.body.status).toBe("ok");
    expect(h.body.reasons).toEqual([]);
    expect(h.body.cluster.liveBrokers).toEqual([1, 2, 3]);
    expect(rows(h).map((p) => `${p.topic}-${p.partition}:${p.state}`)).toEqual([`${TOPIC}-0:ok`, `${TOPIC}-1:ok`, `${TOPIC}-2:ok`, `${PROBE}-0:ok`]);
    await waitUntil("/ready 200", 30_000, async () => (await getJson(`${service!.baseUrl}/ready`)).status === 200);

    const [word] = unique("hello", 1) as [string];
    const producedAt = Date.now();
    await produce([`${word} Kafka`]);
    await waitForWords(service!, [word]);
    const { body } = await getJson(`${service!.baseUrl}/stats`);
    const win = (body.windows as Array<{ start: number; end: number; counts: Record<string, number> }>).find((w) => w.counts[word]);
    expect(win?.counts[word]).toBe(1);
    // The window it landed in is the one open when it arrived, not an old one.
    expect(win!.end).toBeGreaterThan(producedAt);

    const metrics = await (await fetch(`${service!.baseUrl}/metrics`)).text();
    expect(metrics).toContain(`kafka_topic_partition_in_sync_replica{topic="${TOPIC}",partition="0"} 3`);
    expect(metrics).toContain("kafka_brokers 3");
    expect(metrics).toMatch(/kafka_consumergroup_lag\{consumergroup="consumer-test",topic="Hello-Kafka",partition="\d"\} \d+/);
  });

  it("offsets survive a clean restart: nothing counted twice, nothing skipped", async () => {
    const before = unique("before", 150);
    await produce(before);
    await waitForWords(service!, before);
    // Let the window holding them close and commit.
    await waitUntil("offsets committed", 10_000, async () => {
      const { body } = await getJson(`${service!.baseUrl}/stats`);
      return body.pendingMessages === 0 && Object.keys(body.uncommitted).length === 0;
    });
    expect(await service!.stop("SIGTERM")).toBe(0);
    expect(service!.output()).toContain('"msg":"stopped"');

    const during = unique("during", 150);
    await produce(during);
    service = await startService(serviceEnv);
    const counted = await waitForWords(service, during);
    for (const w of during) expect(counted.get(w)).toBe(1);
    expect(before.filter((w) => counted.has(w))).toEqual([]);
  });

  it("a killed partition leader: new leader and under_replicated, 503, consuming goes on; restarted: ok again", async () => {
    const ok = await waitForHealth(service!.baseUrl, "200", 60_000, (a) => a.status === 200);
    const victim = row(ok, TOPIC, 0)!.leader!;
    await cluster.stopBroker(victim, "SIGKILL");

    const down = await waitForHealth(service!.baseUrl, `a new leader for ${TOPIC}-0 without broker ${victim}`, 45_000, (a) => {
      const p = row(a, TOPIC, 0);
      return a.status === 503 && p !== undefined && p.leader !== null && p.leader !== victim && p.conditions.includes("under_replicated");
    });
    expect(row(down, TOPIC, 0)!.isr).not.toContain(victim);
    expect(down.body.cluster.liveBrokers).not.toContain(victim);
    expect(down.body.reasons.join("\n")).toContain(`${TOPIC}-0: `);

    const words = unique("meanwhile", 5);
    await produce(words);
    await waitForWords(service!, words);

    await cluster.startBroker(victim);
    await waitForHealth(service!.baseUrl, "200 after the broker restarted", 90_000, (a) => a.status === 200);
  });

  it("two brokers down: under_min_isr, the probe partition offline, the rest of the report intact", async () => {
    await waitForHealth(service!.baseUrl, "200", 60_000, (a) => a.status === 200);
    await cluster.stopBroker(1, "SIGKILL");
    await cluster.stopBroker(2, "SIGKILL");
    const down = await waitForHealth(service!.baseUrl, "under_min_isr and offline", 60_000, (a) =>
      [0, 1, 2].every((p) => row(a, TOPIC, p)?.state === "under_min_isr") && row(a, PROBE, 0)?.state === "offline" && a.body.cluster.sources.admin.stale === false,
    );
    expect(down.status).toBe(503);
    expect(down.body.cluster.liveBrokers).toEqual([3]);
    for (const p of [0, 1, 2]) expect(row(down, TOPIC, p)).toMatchObject({ leader: 3, isr: [3] });
    expect(row(down, PROBE, 0)!.leader).toBeNull();
    expect(down.body.reasons).toContain("1 of 3 expected brokers live: [3]");

    // The admin API's own view (a raw metadata answer) has the offline partition too, and it still agrees.
    await waitForHealth(service!.baseUrl, "the admin source to see the same", 30_000, (a) => a.body.disagreements.filter((d: { reported: boolean }) => d.reported).length === 0 && a.body.cluster.sources.admin.ageMs < 2_000);

    await cluster.startBroker(1);
    await cluster.startBroker(2);
    await waitForHealth(service!.baseUrl, "200 after both restarted", 120_000, (a) => a.status === 200);
  });

  it("ZooKeeper stopped: stale, not old data served as fresh; back once it returns", async () => {
    await cluster.stopZookeeper("SIGKILL");
    const stale = await waitForHealth(service!.baseUrl, "stale", 20_000, (a) => a.body.stale === true);
    expect(stale.status).toBe(503);
    expect(stale.body.cluster.sources.zookeeper).toMatchObject({ live: false, stale: true });
    expect(stale.body.reasons[0]).toMatch(/^zookeeper data is stale \(disconnected/);
    expect((await getJson(`${service!.baseUrl}/ready`)).status).toBe(503);
    // Partitions come from the admin source meanwhile.
    expect(rows(stale).every((p) => (p as unknown as { source: string }).source === "admin")).toBe(true);

    await cluster.startZookeeper();
    await waitForHealth(service!.baseUrl, "200 after ZooKeeper returned", 60_000, (a) => a.status === 200 && a.body.stale === false);
  });

  it("refuses bad configuration with the variable and value", async () => {
    const { spawnSync } = await import("node:child_process");
    const { SERVICE_ARGS } = await import("../harness/consumer-service");
    const r = spawnSync(process.execPath, SERVICE_ARGS, { env: { PATH: process.env.PATH, KAFKA_BOOTSTRAP_SERVERS: "x", HTTP_PORT: "eighty" }, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('KAFKA_BOOTSTRAP_SERVERS: each entry must be host:port, got "x"');
    expect(r.stderr).toContain('HTTP_PORT: must be a whole number, got "eighty"');
    expect(r.stderr).toContain("ZOOKEEPER_CONNECT: is required and not set");
  });
});
