// Changes without an outage, through the real CLI on a local stack of three
// brokers and a three-node ZooKeeper ensemble (127.0.35.x), started on the
// earlier Kafka 3.9 release set-up caches for tests: an upgrade to the pinned
// release with a broker setting that needs a restart rolls through the brokers under an acks=all producer
// and an in-sync-replica sampler (no failed send, no partition below
// min.insync.replicas, nothing lost); with one broker down, the same change is
// refused naming the partitions and restarts nothing; `up --refresh` starts
// the dead broker again with its data (self-healing).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../lib/poll";
import { connectZk } from "../../lib/zookeeper/client";
import { readPartitions } from "../../infra/roll/cluster-state";
import { kafkajs } from "../../lib/kafkajs";
import { missingFromTopic, startAvailabilityProbe } from "../../support/availability";
import { processesMentioning } from "../../support/processes";
import { pulumiRunner, stageProject, type PulumiRunner } from "../../support/pulumi";
import { KAFKA_UPGRADE_FROM, KAFKA_VERSION, kafkaLibsDirOf } from "../../lib/toolchain";

const repoRoot = path.join(__dirname, "..", "..");
const HOSTS = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"];
const ADDRESSES = ["127.0.35.1", "127.0.35.2", "127.0.35.3"];
const BOOTSTRAP = ADDRESSES.map((a) => `${a}:9092`).join(",");
const ZOOKEEPER = ADDRESSES.map((a) => `${a}:2181`).join(",");
const TOPIC = "Hello-Kafka";
let work: string;
let dataDir: string;
let pulumi: PulumiRunner;

const brokerPid = (id: number): number =>
  Number(fs.readFileSync(path.join(dataDir, HOSTS[id - 1]!, "run", "kafka", "pid"), "utf8").trim());
const brokerPids = (): number[] => [1, 2, 3].map(brokerPid);
const setSetting = (value: number) =>
  pulumi(["config", "set", "--path", 'kafka.brokerConfig["replica.lag.time.max.ms"]', String(value)]);

async function untilPartitions(what: string, ok: (isr: number[][]) => boolean): Promise<void> {
  const zk = await connectZk(ZOOKEEPER, { timeoutMs: 10_000 });
  try {
    await waitFor(async () => ok((await readPartitions(zk, 2)).map((p) => [...p.isr])), { timeoutMs: 60_000, what });
  } finally {
    zk.close();
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-e2e-roll-"));
  dataDir = path.join(work, "data");
  const project = stageProject(repoRoot, path.join(work, "project"));
  fs.writeFileSync(
    path.join(project, "Pulumi.local.yaml"),
    [
      "config:",
      "  kafka-cluster:target: local",
      "  kafka-cluster:hosts:",
      ...HOSTS.map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
      `  kafka-cluster:dataDir: ${dataDir}`,
      `  kafka-cluster:kafka: { heap: 384m, version: "${KAFKA_UPGRADE_FROM}" }`,
      "  kafka-cluster:rollTimeoutSeconds: 20",
      "  kafka-cluster:consumer: { enabled: false }",
      "  kafka-cluster:topics:",
      `    - { name: ${TOPIC}, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: "2" } }`,
      "",
    ].join("\n"),
  );
  fs.mkdirSync(path.join(work, "state"));
  pulumi = pulumiRunner(project, path.join(work, "state"));
  await pulumi(["stack", "init", "local"]);
  await pulumi(["up", "--yes", "--skip-preview"]);
}, 300_000);

afterAll(async () => {
  if (pulumi) await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  expect(await processesMentioning(dataDir ?? "\u0000")).toEqual([]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 300_000);

const runsFrom = (pid: number): string => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");

describe("an upgrade and a broker setting that needs a restart", () => {
  it("rolls through the brokers: every partition stays writable and nothing acknowledged is lost", async () => {
    const before = brokerPids();
    for (const pid of before) expect(runsFrom(pid)).toContain(kafkaLibsDirOf(KAFKA_UPGRADE_FROM));
    await setSetting(30_001);
    await pulumi(["config", "set", "--path", "kafka.version", KAFKA_VERSION]);
    const probe = startAvailabilityProbe({ bootstrapServers: BOOTSTRAP, zookeeperConnect: ZOOKEEPER, topic: TOPIC });
    await pulumi(["up", "--yes", "--skip-preview"]);
    const report = await probe.stop();
    const after = brokerPids();
    for (let i = 0; i < 3; i++) expect(after[i]).not.toBe(before[i]); // every broker restarted
    for (const pid of after) expect(runsFrom(pid)).toContain(kafkaLibsDirOf(KAFKA_VERSION));
    expect(report.failed).toBe(0);
    expect(report.belowMinIsr).toEqual([]);
    expect(report.fewestLiveBrokers).toBeGreaterThanOrEqual(2);
    expect(report.acked).toBeGreaterThan(100);
    expect(await missingFromTopic(BOOTSTRAP, TOPIC, report.ackedValues)).toEqual([]);
  }, 400_000);

  it("is refused with a broker down, naming the partitions, and restarts nothing", async () => {
    const before = brokerPids();
    process.kill(before[2]!, "SIGKILL");
    await untilPartitions("broker 3 out of every in-sync set", (isrs) => isrs.every((isr) => !isr.includes(3)));
    await setSetting(30_002);
    const failed = await pulumi.fails(["up", "--yes", "--skip-preview"]);
    const output = failed.stdout + failed.stderr;
    expect(output).toMatch(/not restarted: stopping it would take partitions below min\.insync\.replicas/);
    expect(output).toMatch(/Hello-Kafka-\d \(in sync \d,\d of \d,\d,\d; min\.insync\.replicas 2\)/);
    expect([brokerPid(1), brokerPid(2)]).toEqual([before[0], before[1]]);
  }, 400_000);

  it("starts the dead broker again with its data on up --refresh, then finishes the roll", async () => {
    await pulumi(["up", "--yes", "--skip-preview", "--refresh"]);
    await untilPartitions("every replica in sync", (isrs) => isrs.every((isr) => isr.length === 3));
    expect(await processesMentioning(path.join(dataDir, "hadoop-dn2"))).not.toEqual([]);
    await pulumi(["preview", "--expect-no-changes"]);
  }, 400_000);
});

describe("a broker setting Kafka changes at run time", () => {
  it("is applied live: no broker restarts, every broker reports the new value", async () => {
    const before = brokerPids();
    await pulumi(["config", "set", "--path", 'kafka.brokerConfig["log.cleaner.threads"]', "2"]);
    const probe = startAvailabilityProbe({ bootstrapServers: BOOTSTRAP, zookeeperConnect: ZOOKEEPER, topic: TOPIC });
    await pulumi(["up", "--yes", "--skip-preview"]);
    const report = await probe.stop();
    expect(brokerPids()).toEqual(before);
    expect(report.failed).toBe(0);
    expect(report.longestStallMs).toBeLessThan(3_000);
    const { Kafka, logLevel, ConfigResourceTypes } = kafkajs();
    const admin = new Kafka({ brokers: BOOTSTRAP.split(","), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: ["1", "2", "3"].map((name) => ({
          type: ConfigResourceTypes.BROKER,
          name,
          configNames: ["log.cleaner.threads"],
        })),
      });
      expect(described.resources.map((r) => r.configEntries[0]?.configValue)).toEqual(["2", "2", "2"]);
    } finally {
      await admin.disconnect();
    }
    expect(fs.readFileSync(path.join(dataDir, "hadoop-nn", "run", "kafka", "server.properties"), "utf8")).toMatch(
      /^log\.cleaner\.threads=2$/m,
    );
  }, 300_000);
});
