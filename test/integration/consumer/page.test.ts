// The status page in a real browser (Debian's chromium, headless) against the
// service as deployed (the esbuild bundle) and a real cluster of its own: it
// shows the cluster, follows a killed partition leader within 2 s of /health
// without a reload, and recovers. It also writes the README's screenshots.
// A real Prometheus scrapes the same service with monitoring/alerts.yml.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkajs } from "../../../lib/kafkajs";
import { openBrowser, type Browser } from "../../../support/browser";
import { startTestCluster, type TestCluster } from "../../../support/cluster";
import {
  startService,
  waitForHealth,
  waitUntil,
  type JsonAnswer,
  type ServiceProcess,
} from "../../../support/consumer-service";
import { startPrometheus, type PrometheusProcess } from "../../../support/prometheus";

const { Kafka, logLevel } = kafkajs();

// 127.0.26: apart from the shared test cluster and the service test's cluster.
const PREFIX = process.env.KAFKA_CLUSTER_PAGE_TEST_PREFIX ?? "127.0.26";
const TOPIC = "Hello-Kafka";
const DOCS = path.resolve(__dirname, "../../../docs");

let cluster: TestCluster;
let service: ServiceProcess | undefined;
let browser: Browser | undefined;
let prometheus: PrometheusProcess | undefined;
let page: Page;
/** Main-frame navigations of `page`: a reload would add one. */
let navigations = 0;

interface Row {
  topic: string;
  partition: number;
  leader: number | null;
  conditions: string[];
}
const row = (a: JsonAnswer, p: number): Row | undefined =>
  (a.body.partitions as Row[]).find((r) => r.topic === TOPIC && r.partition === p);

beforeAll(async () => {
  cluster = await startTestCluster({
    addressPrefix: PREFIX,
    brokerSettings: { "zookeeper.session.timeout.ms": 6000, "leader.imbalance.check.interval.seconds": 5 },
  });
  const kafka = new Kafka({ brokers: cluster.bootstrapServers.split(","), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }],
  });
  await admin.disconnect();
  service = await startService(
    {
      KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrapServers,
      ZOOKEEPER_CONNECT: cluster.zookeeperConnect,
      TOPICS: TOPIC,
      GROUP_ID: "status-page",
      WINDOW_MS: "2000",
      HTTP_HOST: `${PREFIX}.1`,
      HTTP_PORT: "18090",
      ADMIN_POLL_MS: "500",
      LOG_LEVEL: "warn",
    },
    { asDeployed: true },
  );
  await producer.connect();
  const lines = ["Hello Kafka", "hello world", "Kafka streams words", "hello partitions and replicas", "kafka"];
  const messages = Array.from({ length: 60 }, (_, i) => ({ value: lines[i % lines.length]! }));
  await producer.send({ topic: TOPIC, acks: -1, messages });
  await producer.disconnect();
  prometheus = await startPrometheus(`${PREFIX}.1:19090`, [`${PREFIX}.1:18090`]);
  browser = await openBrowser();
  page = await browser.context.newPage();
  page.on("framenavigated", (f) => f === page.mainFrame() && navigations++);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await prometheus?.stop();
  await service?.stop("SIGKILL");
  await cluster?.stop();
}, 120_000);

/** What the page shows: broker id -> up, and partition -> state and conditions. */
async function shown(p: Page): Promise<{ brokers: Record<string, string>; partitions: Record<string, string> }> {
  return p.evaluate(() => {
    const brokers: Record<string, string> = {};
    const partitions: Record<string, string> = {};
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-broker]")))
      brokers[el.dataset.broker!] = el.dataset.up === "true" ? "up" : "down";
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-partition]")))
      partitions[el.dataset.partition!] = `${el.dataset.state} (${el.dataset.conditions})`;
    return { brokers, partitions };
  });
}

const allOk = { [`${TOPIC}/0`]: "ok (ok)", [`${TOPIC}/1`]: "ok (ok)", [`${TOPIC}/2`]: "ok (ok)" };

describe("status page in a browser", () => {
  it("healthy cluster: three brokers up, every partition ok, the top words charted; painted in under 1 s", async () => {
    await waitForHealth(service!.baseUrl, "200 from /health", 60_000, (a) => a.status === 200);
    await page.goto(`${service!.baseUrl}/`);
    const fcp = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          setTimeout(() => resolve(Infinity), 5_000);
          new PerformanceObserver((list) => {
            const e = list.getEntriesByName("first-contentful-paint")[0];
            if (e) resolve(e.startTime);
          }).observe({ type: "paint", buffered: true });
        }),
    );
    expect(fcp).toBeLessThan(1_000);
    expect(await shown(page)).toEqual({ brokers: { 1: "up", 2: "up", 3: "up" }, partitions: allOk });
    await page.locator(".bar .word", { hasText: "kafka" }).first().waitFor({ timeout: 30_000 });
    await page.locator(".conn.live").waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(DOCS, "status-page-healthy.png"), fullPage: true });
  });

  it("Prometheus scrapes kafka_exporter's names and ours; promtool finds nothing wrong with /metrics", async () => {
    const text = await (await fetch(`${service!.baseUrl}/metrics`)).text();
    expect(execFileSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" })).toBe("");
    const series = (q: string) =>
      waitUntil(`${q} from Prometheus`, 30_000, async () => {
        const r = await prometheus!.query(q);
        return r.length > 0 ? r.map((x) => `${x.metric.partition ?? ""}=${x.value[1]}`).sort() : undefined;
      });
    const under = `kafka_topic_partition_under_replicated_partition{topic="${TOPIC}"}`;
    expect(await series(under)).toEqual(["0=0", "1=0", "2=0"]);
    expect(await series(`kafka_consumergroup_lag{consumergroup="status-page",topic="${TOPIC}"}`)).toHaveLength(3);
    expect(await series(`kafka_health_healthy{job="kafka-cluster-consumer"}`)).toEqual(["=1"]);
    expect(await series("kafka_brokers")).toEqual(["=3"]);
  });

  it("a killed partition leader: down and under-replicated on the page within 2 s of /health, no reload; then ok again", async () => {
    const before = navigations;
    const ok = await waitForHealth(service!.baseUrl, "200", 60_000, (a) => a.status === 200);
    const victim = row(ok, 0)!.leader!;
    await cluster.stopBroker(victim, "SIGKILL");

    const pageSaysSo = page
      .waitForFunction(
        (v) =>
          document.querySelector(`[data-broker="${v}"]`)?.getAttribute("data-up") === "false" &&
          / under_replicated/.test(
            ` ${document.querySelector('[data-partition="Hello-Kafka/0"]')?.getAttribute("data-conditions")}`,
          ),
        victim,
        { timeout: 60_000, polling: 50 },
      )
      .then(() => Date.now());
    const health = await waitForHealth(
      service!.baseUrl,
      `broker ${victim} gone and ${TOPIC}-0 under-replicated`,
      45_000,
      (a) => !a.body.cluster.liveBrokers.includes(victim) && row(a, 0)!.conditions.includes("under_replicated"),
    );
    const healthAt = Date.now();
    expect((await pageSaysSo) - healthAt).toBeLessThan(2_000);
    expect(health.status).toBe(503);
    expect((await shown(page)).brokers[victim]).toBe("down");
    await page.locator(".pill.bad").waitFor();
    // The picture with the new leader, not the moment between leaders.
    await page.waitForFunction(
      (v) =>
        !["", String(v)].includes(
          document.querySelector('[data-partition="Hello-Kafka/0"]')!.getAttribute("data-leader")!,
        ),
      victim,
      { timeout: 30_000 },
    );

    // The rule fires in the real Prometheus (after its 1 minute `for`).
    const firing = await waitUntil("KafkaBrokerUnreachable firing", 120_000, async () =>
      (await prometheus!.alerts()).find((a) => a.labels.alertname === "KafkaBrokerUnreachable" && a.state === "firing"),
    );
    expect(firing.labels.severity).toBe("critical");
    const under = await prometheus!.query(`kafka_topic_partition_under_replicated_partition{partition="0"}`);
    expect(under.map((x) => x.value[1])).toEqual(["1"]);

    // Screenshots once the cluster has settled in its new state, not the seconds after the kill.
    await page.screenshot({ path: path.join(DOCS, "status-page-broker-down.png"), fullPage: true });
    const phone = await browser!.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${service!.baseUrl}/`);
    await phone.screenshot({ path: path.join(DOCS, "status-page-phone.png"), fullPage: true });
    await phone.close();

    await cluster.startBroker(victim);
    await waitForHealth(service!.baseUrl, "200 after the restart", 90_000, (a) => a.status === 200);
    await page.waitForFunction(() => document.querySelector(".pill.ok") !== null, undefined, { timeout: 5_000 });
    expect(await shown(page)).toEqual({ brokers: { 1: "up", 2: "up", 3: "up" }, partitions: allOk });
    expect(navigations).toBe(before);
  }, 360_000);
});
