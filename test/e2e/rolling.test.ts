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
const HOSTS = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2", "hadoop-dn3"];
const ADDRESSES = ["127.0.35.1", "127.0.35.2", "127.0.35.3", "127.0.35.4"];
const BOOTSTRAP = ADDRESSES.slice(0, 3)
  .map((a) => `${a}:9092`)
  .join(",");
const ZOOKEEPER = ADDRESSES.slice(0, 3)
  .map((a) => `${a}:2181`)
  .join(",");
const TOPIC = "Hello-Kafka";
let work: string;
let dataDir: string;
let pulumi: PulumiRunner;
let project: string;

const brokerPid = (id: number): number =>
  Number(fs.readFileSync(path.join(dataDir, HOSTS[id - 1]!, "run", "kafka", "pid"), "utf8").trim());
const brokerPids = (): number[] => [1, 2, 3].map(brokerPid);

/** The stack's config, written whole (YAML takes JSON) each time a test changes it. */
const stack = {
  hosts: 3,
  kafka: { heap: "384m", version: KAFKA_UPGRADE_FROM, brokerConfig: {} as Record<string, string> },
  placement: {} as Record<string, unknown>,
};
function writeStack(): void {
  const config: Record<string, unknown> = {
    "kafka-cluster:target": "local",
    "kafka-cluster:hosts": HOSTS.slice(0, stack.hosts).map((name, i) => ({ name, address: ADDRESSES[i] })),
    "kafka-cluster:zookeeper": { nodes: HOSTS.slice(0, 3) },
    "kafka-cluster:dataDir": dataDir,
    "kafka-cluster:kafka": stack.kafka,
    "kafka-cluster:rollTimeoutSeconds": 20,
    "kafka-cluster:placement": stack.placement,
    "kafka-cluster:consumer": { enabled: false },
    "kafka-cluster:topics": [
      { name: TOPIC, partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" } },
    ],
  };
  const lines = Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  fs.writeFileSync(path.join(project, "Pulumi.local.yaml"), ["config:", ...lines, ""].join("\n"));
}
const setSetting = (value: number) => {
  stack.kafka.brokerConfig["replica.lag.time.max.ms"] = String(value);
  writeStack();
};

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
  project = stageProject(repoRoot, path.join(work, "project"));
  writeStack();
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
    stack.kafka.version = KAFKA_VERSION;
    setSetting(30_001);
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
    setSetting(30_002);
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
    stack.kafka.brokerConfig["log.cleaner.threads"] = "2";
    writeStack();
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

/** Replicas per broker over Hello-Kafka's partitions, from ZooKeeper. */
async function helloReplicas(): Promise<Record<number, number>> {
  const zk = await connectZk(ZOOKEEPER, { timeoutMs: 10_000 });
  try {
    const counts: Record<number, number> = {};
    for (const p of (await readPartitions(zk, 2)).filter((x) => x.topic === TOPIC))
      for (const r of p.replicas) counts[r] = (counts[r] ?? 0) + 1;
    return counts;
  } finally {
    zk.close();
  }
}

describe("a fourth broker", () => {
  it("joins with rebalancing: Hello-Kafka's replicas spread onto it, under load, nothing lost", async () => {
    stack.hosts = 4;
    stack.placement = { rebalance: true };
    writeStack();
    const probe = startAvailabilityProbe({ bootstrapServers: BOOTSTRAP, zookeeperConnect: ZOOKEEPER, topic: TOPIC });
    await pulumi(["up", "--yes", "--skip-preview"]);
    const report = await probe.stop();
    expect(report.failed).toBe(0);
    expect(report.belowMinIsr).toEqual([]);
    expect(Object.values(await helloReplicas()).sort()).toEqual([2, 2, 2, 3]);
    expect(await missingFromTopic(BOOTSTRAP, TOPIC, report.ackedValues)).toEqual([]);
  }, 300_000);

  it("cannot be removed while it holds replicas: preview refuses, naming the broker and drain", async () => {
    stack.hosts = 3;
    writeStack();
    const failed = await pulumi.fails(["preview"]);
    expect(failed.stdout + failed.stderr).toMatch(/broker 4 \(\d+ replicas?\) is no longer listed/);
    expect(failed.stdout + failed.stderr).toContain("kafka-cluster:placement.drain: true");
  }, 120_000);

  it("is drained and removed: its replicas move off before it stops, nothing lost", async () => {
    stack.placement = { rebalance: true, drain: true };
    writeStack();
    const probe = startAvailabilityProbe({ bootstrapServers: BOOTSTRAP, zookeeperConnect: ZOOKEEPER, topic: TOPIC });
    await pulumi(["up", "--yes", "--skip-preview"]);
    const report = await probe.stop();
    expect(report.failed).toBe(0);
    expect(report.belowMinIsr).toEqual([]);
    expect(Object.keys(await helloReplicas()).sort()).toEqual(["1", "2", "3"]);
    expect(await processesMentioning(path.join(dataDir, "hadoop-dn3"))).toEqual([]);
    expect(await missingFromTopic(BOOTSTRAP, TOPIC, report.ackedValues)).toEqual([]);
    await pulumi(["preview", "--expect-no-changes"]);
  }, 300_000);
});
