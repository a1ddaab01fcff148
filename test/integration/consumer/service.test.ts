// The consumer service as a real child process against its own real cluster
// (this file kills brokers and ZooKeeper, so it does not share the global one).
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import type { Admin, Producer } from "kafkajs";
import { kafkajs } from "../../../lib/kafkajs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../../../support/cluster";
import {
  getJson,
  startService,
  waitForHealth,
  waitUntil,
  type JsonAnswer,
  type ServiceProcess,
} from "../../../support/consumer-service";

const { Kafka, logLevel } = kafkajs();

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
const row = (a: JsonAnswer, topic: string, partition: number): PartitionRow | undefined =>
  rows(a).find((p) => p.topic === topic && p.partition === partition);

let cluster: TestCluster;
let kafka: InstanceType<typeof Kafka>;
let admin: Admin;
let producer: Producer;
let service: ServiceProcess | undefined;
let serviceEnv: Record<string, string>;
let serial = 0;
let groupId: string;

async function produce(words: string[]): Promise<void> {
  await producer.send({ topic: TOPIC, acks: -1, messages: words.map((w) => ({ value: w })) });
}

/** /stats with every kept window's words (it shows the top 100 of each by default). */
const STATS = "/stats?top=1000";

/** Word -> total count over the windows /stats keeps. */
async function countedWords(svc: ServiceProcess): Promise<Map<string, number>> {
  const { body } = await getJson(`${svc.baseUrl}${STATS}`);
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

/** The first replica of a partition: its leader whenever all brokers are up (leaders are rebalanced to it every 5 s). */
async function preferredLeader(topic: string, partition: number): Promise<number> {
  // Asked of any broker: one may not have heard of a topic just created yet.
  return waitUntil(`${topic}-${partition} in the metadata`, 30_000, async () => {
    const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    return md?.topics[0]?.partitions.find((p) => p.partitionId === partition)?.replicas[0];
  });
}

/**
 * A consumer group name whose coordinator is `broker` whenever leaders are
 * preferred: Kafka keeps a group's offsets in partition
 * abs(javaHashCode(groupId)) % partitions of __consumer_offsets, and that
 * partition's leader coordinates the group. The killed-leader test then loses
 * the coordinator too, the harder case for a consumer.
 */
async function groupCoordinatedBy(broker: number): Promise<string> {
  // A group lookup makes the brokers create __consumer_offsets.
  await admin.describeGroups(["warm-up"]);
  const offsets = await waitUntil("__consumer_offsets with leaders", 30_000, async () => {
    const md = await admin.fetchTopicMetadata({ topics: ["__consumer_offsets"] }).catch(() => undefined);
    const parts = md?.topics[0]?.partitions;
    return parts && parts.length > 0 && parts.every((p) => p.leader >= 0) ? parts : undefined;
  });
  const javaHash = (s: string): number => [...s].reduce((h, c) => (Math.imul(31, h) + c.charCodeAt(0)) | 0, 0);
  for (let i = 0; i < 1_000; i++) {
    const id = `consumer-test-${i}`;
    const p = (javaHash(id) & 0x7fffffff) % offsets.length;
    if (offsets.find((o) => o.partitionId === p)?.replicas[0] === broker) return id;
  }
  throw new Error(`no group name coordinated by broker ${broker}`);
}

/** A GET on a connection of its own, closed after the answer: status and parsed body. */
function getOnce(url: string, timeoutMs = 5_000): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

const unique = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${++serial}x${i}`);

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
  kafka = new Kafka({
    clientId: "consumer-test",
    brokers: cluster.bootstrapServers.split(","),
    logLevel: logLevel.NOTHING,
  });
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: TOPIC, numPartitions: 3, replicationFactor: 3 },
      {
        topic: PROBE,
        replicaAssignment: [{ partition: 0, replicas: [1, 2] }],
        configEntries: [{ name: "min.insync.replicas", value: "1" }],
      },
    ],
  });
  groupId = await groupCoordinatedBy(await preferredLeader(TOPIC, 0));
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  serviceEnv = {
    KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrapServers,
    ZOOKEEPER_CONNECT: cluster.zookeeperConnect,
    TOPICS: `${TOPIC},${PROBE}`,
    CONSUME_TOPICS: TOPIC,
    GROUP_ID: groupId,
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

/** The service's log from offset `from` on, without its per-window lines, for a failed test's report. */
function logTail(svc: ServiceProcess | undefined, from: number, lines = 60): string {
  if (!svc) return "(no service)";
  const kept = svc
    .output()
    .slice(from)
    .split("\n")
    .filter((l) => l && !l.includes('"msg":"window closed"'));
  return kept.slice(-lines).join("\n");
}

beforeEach(({ onTestFailed }) => {
  const atStart = service;
  const from = atStart?.output().length ?? 0;
  // The service may have been restarted by the test: then all of the new one's log.
  onTestFailed(() =>
    console.error(
      `consumer service log during the failed test (last lines):\n${logTail(service, service === atStart ? from : 0)}`,
    ),
  );
});

// A test that fails half way must not leave the next one a broken cluster.
afterEach(async () => {
  await cluster.startZookeeper();
  for (const b of cluster.brokers) await cluster.startBroker(b.id);
}, 180_000);

describe("consumer service on a real cluster", () => {
  it("healthy cluster: every partition ok, 200, ready; a produced message shows up in the next window", async () => {
    const h = await waitForHealth(service!.baseUrl, "200 from /health", 60_000, (a) => a.status === 200);
    expect(h.body.status).toBe("ok");
    expect(h.body.reasons).toEqual([]);
    expect(h.body.cluster.liveBrokers).toEqual([1, 2, 3]);
    expect(rows(h).map((p) => `${p.topic}-${p.partition}:${p.state}`)).toEqual([
      `${TOPIC}-0:ok`,
      `${TOPIC}-1:ok`,
      `${TOPIC}-2:ok`,
      `${PROBE}-0:ok`,
    ]);
    await waitUntil("/ready 200", 30_000, async () => (await getJson(`${service!.baseUrl}/ready`)).status === 200);

    const [word] = unique("hello", 1) as [string];
    const producedAt = Date.now();
    await produce([`${word} Kafka`]);
    await waitForWords(service!, [word]);
    const { body } = await getJson(`${service!.baseUrl}${STATS}`);
    const win = (body.windows as Array<{ start: number; end: number; counts: Record<string, number> }>).find(
      (w) => w.counts[word],
    );
    expect(win?.counts[word]).toBe(1);
    // The window it landed in is the one open when it arrived, not an old one.
    expect(win!.end).toBeGreaterThan(producedAt);

    const metrics = await (await fetch(`${service!.baseUrl}/metrics`)).text();
    expect(metrics).toContain(`kafka_topic_partition_in_sync_replica{topic="${TOPIC}",partition="0"} 3`);
    expect(metrics).toContain("kafka_brokers 3");
    expect(metrics).toMatch(
      new RegExp(
        String.raw`kafka_consumergroup_lag\{consumergroup="${groupId}",topic="Hello-Kafka",partition="\d"\} \d+`,
      ),
    );
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
    expect(victim).toBe(await preferredLeader(TOPIC, 0)); // so the group's coordinator too
    await cluster.stopBroker(victim, "SIGKILL");

    const down = await waitForHealth(
      service!.baseUrl,
      `a new leader for ${TOPIC}-0 without broker ${victim}`,
      45_000,
      (a) => {
        const p = row(a, TOPIC, 0);
        return (
          a.status === 503 &&
          p !== undefined &&
          p.leader !== null &&
          p.leader !== victim &&
          p.conditions.includes("under_replicated")
        );
      },
    );
    expect(row(down, TOPIC, 0)!.isr).not.toContain(victim);
    expect(down.body.cluster.liveBrokers).not.toContain(victim);
    expect(down.body.reasons.join("\n")).toContain(`${TOPIC}-0: `);

    // The victim may also have been the group's coordinator: kafkajs finds
    // the new one after its retries back off, which takes a while on a busy machine.
    const words = unique("meanwhile", 5);
    await produce(words);
    await waitForWords(service!, words, 90_000);

    await cluster.startBroker(victim);
    await waitForHealth(service!.baseUrl, "200 after the broker restarted", 90_000, (a) => a.status === 200);
  }, 300_000);

  it("two brokers down: under_min_isr, the probe partition offline, the rest of the report intact", async () => {
    await waitForHealth(service!.baseUrl, "200", 60_000, (a) => a.status === 200);
    await cluster.stopBroker(1, "SIGKILL");
    await cluster.stopBroker(2, "SIGKILL");
    const down = await waitForHealth(
      service!.baseUrl,
      "under_min_isr and offline",
      60_000,
      (a) =>
        [0, 1, 2].every((p) => row(a, TOPIC, p)?.state === "under_min_isr") &&
        row(a, PROBE, 0)?.state === "offline" &&
        a.body.cluster.sources.admin.stale === false,
    );
    expect(down.status).toBe(503);
    expect(down.body.cluster.liveBrokers).toEqual([3]);
    for (const p of [0, 1, 2]) expect(row(down, TOPIC, p)).toMatchObject({ leader: 3, isr: [3] });
    expect(row(down, PROBE, 0)!.leader).toBeNull();
    expect(down.body.reasons).toContain("1 of 3 expected brokers live: [3]");

    // The admin API's own view (a raw metadata answer) has the offline partition too, and it still agrees.
    await waitForHealth(
      service!.baseUrl,
      "the admin source to see the same",
      30_000,
      (a) =>
        a.body.disagreements.filter((d: { reported: boolean }) => d.reported).length === 0 &&
        a.body.cluster.sources.admin.ageMs < 2_000,
    );

    await cluster.startBroker(1);
    await cluster.startBroker(2);
    await waitForHealth(service!.baseUrl, "200 after both restarted", 120_000, (a) => a.status === 200);
  }, 300_000);

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
    await waitForHealth(
      service!.baseUrl,
      "200 after ZooKeeper returned",
      60_000,
      (a) => a.status === 200 && a.body.stale === false,
    );
  }, 150_000);

  it("50k distinct words a window and 200 slow clients: bounded memory, heavy hitters counted, /health answering", async () => {
    const topic = "wide-words";
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 3 }] });
    // As deployed: the bundle with the 64 MB old-generation limit.
    const wide = await startService(
      {
        ...serviceEnv,
        TOPICS: topic,
        CONSUME_TOPICS: topic,
        GROUP_ID: `wide-${Date.now()}`,
        WINDOW_MS: "10000",
        HTTP_PORT: "18081",
        LOG_LEVEL: "warn",
      },
      { asDeployed: true },
    );
    const slow: net.Socket[] = [];
    try {
      // 150k distinct ids in 1,500 messages of 100 words, each message also saying "kafka" once.
      const rounds = 3;
      for (let r = 0; r < rounds; r++) {
        const messages = Array.from({ length: 500 }, (_, m) => ({
          value: `kafka ${Array.from({ length: 100 }, (_, i) => `id${r}x${m}x${i}-${(m * 7919 + i) % 100_003}`).join(" ")}`,
        }));
        await producer.send({ topic, acks: -1, messages });
      }
      const [host, port] = [`${PREFIX}.1`, 18081];
      for (let i = 0; i < 200; i++) {
        const s = net.connect({ host, port });
        s.on("error", () => undefined);
        s.on("connect", () => s.write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: "));
        slow.push(s);
      }
      const drip = setInterval(() => slow.forEach((s) => s.writable && s.write("a")), 200);
      // A client arriving amid the burst of 200 may be refused (none is old enough to close yet); after it, none is.
      await new Promise((r) => setTimeout(r, 1_000));
      const pid = wide.child.pid!;
      const status = (): string => fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status())![1]);
      let peakRss = 0;
      try {
        const body = await waitUntil(
          "every message counted and its windows closed",
          120_000,
          async () => {
            peakRss = Math.max(peakRss, kb("VmRSS"));
            // /health answers through the slow clients.
            const started = Date.now();
            const h = await getOnce(`${wide.baseUrl}/health`);
            expect([200, 503]).toContain(h.status);
            expect(Date.now() - started).toBeLessThan(3_000);
            const { body } = await getOnce(`${wide.baseUrl}/stats?top=5`);
            return body.messages >= 1_500 && body.pendingMessages === 0 ? body : undefined;
          },
          500,
        );
        const windows = body.windows as Array<{
          counts: Record<string, number>;
          messages: number;
          distinctWords: number;
          maxUndercount: number;
          omittedWords: number;
        }>;
        expect(windows.reduce((n, w) => n + w.messages, 0)).toBe(1_500);
        const biggest = windows.reduce((a, b) => (b.distinctWords > a.distinctWords ? b : a));
        // Most of it lands in one window; its distinct count is an estimate past 10k words.
        expect(biggest.distinctWords).toBeGreaterThan(45_000);
        expect(biggest.maxUndercount).toBeGreaterThan(0);
        expect(biggest.omittedWords).toBeGreaterThan(40_000);
        expect(Object.keys(biggest.counts)[0]).toBe("kafka");
        expect(biggest.counts.kafka).toBeGreaterThanOrEqual(biggest.messages - biggest.maxUndercount);
        expect(biggest.counts.kafka).toBeLessThanOrEqual(biggest.messages);
      } finally {
        clearInterval(drip);
      }
      expect(wide.child.exitCode).toBeNull();
      expect(wide.output()).not.toContain("heap out of memory");
      const hwm = kb("VmHWM");
      console.log(
        `wide-words service: peak RSS ${(hwm / 1024).toFixed(0)} MB (sampled ${(peakRss / 1024).toFixed(0)} MB)`,
      );
      expect(hwm / 1024).toBeLessThan(192);
      expect(wide.output()).toContain("http connection limit reached");
    } finally {
      for (const s of slow) s.destroy();
      await wide.stop("SIGKILL");
    }
  }, 300_000);

  it("refuses bad configuration with the variable and value", async () => {
    const { spawnSync } = await import("node:child_process");
    const { SERVICE_ARGS } = await import("../../../support/consumer-service");
    const r = spawnSync(process.execPath, SERVICE_ARGS, {
      env: { PATH: process.env.PATH, KAFKA_BOOTSTRAP_SERVERS: "x", HTTP_PORT: "eighty" },
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('KAFKA_BOOTSTRAP_SERVERS: each entry must be host:port, got "x"');
    expect(r.stderr).toContain('HTTP_PORT: must be a whole number, got "eighty"');
    expect(r.stderr).toContain("ZOOKEEPER_CONNECT: is required and not set");
  });
});
