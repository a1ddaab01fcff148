// The direct broker probe against a real cluster: a SIGKILLed broker shows as
// unreachable in /health within a second (its ZooKeeper session takes ~6 s),
// a SIGSTOPped one only once the probe's deadline passed, and both are
// reachable again once the broker is back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../../../support/cluster";
import {
  createTopic,
  getJson,
  startService,
  waitUntil,
  type JsonAnswer,
  type ServiceProcess,
} from "../../../support/consumer-service";

// Apart from every other test's loopback prefix.
const PREFIX = process.env.KAFKA_CLUSTER_PROBE_TEST_PREFIX ?? "127.0.27";
const TOPIC = "probe-test";
const PROBE_TIMEOUT_MS = 750;

interface BrokerRow {
  id: number;
  address: string | null;
  registered: boolean;
  reachable: boolean | null;
  unreachableSince?: string;
  reason?: string;
}

let cluster: TestCluster;
let service: ServiceProcess | undefined;

const health = (): Promise<JsonAnswer> => getJson(`${service!.baseUrl}/health`);
const brokerRow = (a: JsonAnswer, id: number): BrokerRow | undefined =>
  (a.body.cluster.brokers as BrokerRow[]).find((b) => b.id === id);

/** Polls /health every 50 ms from `from` until `broker`'s row satisfies `ok`; the answer and ms since `from`. */
async function until(
  what: string,
  from: number,
  id: number,
  ok: (b: BrokerRow) => boolean,
  timeoutMs = 30_000,
): Promise<{ answer: JsonAnswer; ms: number }> {
  const answer = await waitUntil(
    what,
    timeoutMs,
    async () => {
      const a = await health().catch(() => undefined);
      const b = a && brokerRow(a, id);
      return b && ok(b) ? a : undefined;
    },
    50,
  );
  return { answer, ms: Date.now() - from };
}

const allReachable = () =>
  waitUntil(
    "every broker reachable and /health 200",
    120_000,
    async () => {
      const a = await health().catch(() => undefined);
      const rows = (a?.body.cluster.brokers ?? []) as BrokerRow[];
      return a?.status === 200 && rows.length === 3 && rows.every((b) => b.reachable === true) ? a : undefined;
    },
    200,
  );

beforeAll(async () => {
  cluster = await startTestCluster({
    addressPrefix: PREFIX,
    brokerSettings: { "zookeeper.session.timeout.ms": 6000, "leader.imbalance.check.interval.seconds": 5 },
  });
  await createTopic(cluster.bootstrapServers, TOPIC, 3, 3);
  service = await startService({
    KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrapServers,
    ZOOKEEPER_CONNECT: cluster.zookeeperConnect,
    TOPICS: TOPIC,
    GROUP_ID: "probe-test",
    HTTP_HOST: `${PREFIX}.1`,
    HTTP_PORT: "18097",
    ADMIN_POLL_MS: "500",
    PROBE_INTERVAL_MS: "250",
    PROBE_TIMEOUT_MS: String(PROBE_TIMEOUT_MS),
  });
}, 180_000);

afterAll(async () => {
  for (const b of cluster?.brokers ?? []) cluster.signalBroker(b.id, "SIGCONT");
  await service?.stop("SIGKILL");
  await cluster?.stop();
}, 120_000);

// A test that fails half way must not leave the next one a stopped or dead broker.
afterEach(async () => {
  for (const b of cluster.brokers) cluster.signalBroker(b.id, "SIGCONT");
  for (const b of cluster.brokers) await cluster.startBroker(b.id);
}, 120_000);

describe("the direct broker probe", () => {
  it("lists every broker with its registered address, reachable", async () => {
    const a = await allReachable();
    expect(a.body.cluster.brokers).toEqual(
      cluster.brokers.map((b) => ({ id: b.id, address: `${b.host}:${b.port}`, registered: true, reachable: true })),
    );
  }, 150_000);

  it("a SIGKILLed broker is unreachable in /health within 1 s, named after ZooKeeper drops it, and back after a restart", async () => {
    await allReachable();
    const victim = 2;
    const killedAt = Date.now();
    await cluster.stopBroker(victim, "SIGKILL");
    const { answer, ms } = await until("the killed broker unreachable", killedAt, victim, (b) => !b.reachable);
    console.log(`SIGKILL of broker ${victim} to /health showing it unreachable: ${ms} ms`);
    expect(ms).toBeLessThan(1_000);
    expect(answer.status).toBe(503);
    expect(brokerRow(answer, victim)).toMatchObject({
      registered: true,
      reachable: false,
      reason: "connection failed (ECONNREFUSED)",
    });
    expect(answer.body.reasons.some((r: string) => r.startsWith(`broker ${victim} (${PREFIX}.${victim}:`))).toBe(true);
    const metrics = await fetch(`${service!.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toContain(`kafka_health_broker_reachable{broker="${victim}"} 0`);
    expect(metrics).toContain(`kafka_health_broker_reachable{broker="1"} 1`);

    // Once its ZooKeeper session expired it is no longer registered, and still probed at its last address.
    const gone = await until("ZooKeeper to drop the killed broker", killedAt, victim, (b) => !b.registered);
    console.log(`SIGKILL of broker ${victim} to ZooKeeper dropping it: ${gone.ms} ms`);
    expect(brokerRow(gone.answer, victim)).toMatchObject({ address: `${PREFIX}.${victim}:19092`, reachable: false });

    await cluster.startBroker(victim);
    await until("the restarted broker reachable", Date.now(), victim, (b) => b.reachable === true);
  }, 150_000);

  it("a SIGSTOPped broker stays reachable until the probe's deadline, then is unreachable; SIGCONT brings it back", async () => {
    await allReachable();
    const victim = 3;
    const stoppedAt = Date.now();
    cluster.signalBroker(victim, "SIGSTOP");
    let lastReachableMs = 0;
    const { answer, ms } = await until("the stopped broker unreachable", stoppedAt, victim, (b) => {
      if (b.reachable) lastReachableMs = Date.now() - stoppedAt;
      return b.reachable === false;
    });
    console.log(
      `SIGSTOP of broker ${victim}: reachable until ${lastReachableMs} ms, unreachable in /health after ${ms} ms`,
    );
    // One probe in flight when it stopped (started at most a few ms before) fails at its deadline, not before.
    expect(ms).toBeGreaterThanOrEqual(PROBE_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(1_500);
    expect(answer.status).toBe(503);
    expect(brokerRow(answer, victim)).toMatchObject({
      registered: true,
      reachable: false,
      reason: `connected but no answer to ApiVersions within ${PROBE_TIMEOUT_MS} ms`,
    });
    const contAt = Date.now();
    cluster.signalBroker(victim, "SIGCONT");
    const back = await until("the resumed broker reachable", contAt, victim, (b) => b.reachable === true);
    console.log(`SIGCONT of broker ${victim} to /health showing it reachable: ${back.ms} ms`);
    expect(back.ms).toBeLessThan(2_000);
    await allReachable();
  }, 150_000);
});
