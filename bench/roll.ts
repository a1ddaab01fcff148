// A broker setting that needs a restart, applied by `pulumi up` on a local
// stack with Hello-Kafka and 100 more topics: the rolling restart against the
// all-at-once restart it replaces (`kafka-cluster:restarts: all-at-once`),
// and a setting Kafka changes at run time (applied live), side by side in one
// run, under an acks=all producer on Hello-Kafka and a sampler of every
// partition's in-sync set.
// Run: npm run bench:roll [-- runs]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { missingFromTopic, startAvailabilityProbe, type AvailabilityReport } from "../support/availability";
import { pulumiRunner, stageProject, type PulumiRunner } from "../support/pulumi";
import { printTable, summarize } from "./table";

const ADDRESSES = ["127.0.53.1", "127.0.53.2", "127.0.53.3"];
const BOOTSTRAP = ADDRESSES.map((a) => `${a}:9092`).join(",");
const ZOOKEEPER = ADDRESSES.map((a) => `${a}:2181`).join(",");
const MODES = ["rolling", "all-at-once", "live"] as const;

function stackFile(dataDir: string): string {
  const topics = [
    "    - { name: Hello-Kafka, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: '2' } }",
    ...Array.from({ length: 100 }, (_, i) => `    - { name: bench-roll-${i}, partitions: 3, replicationFactor: 3 }`),
  ];
  return [
    "config:",
    "  kafka-cluster:target: local",
    "  kafka-cluster:hosts:",
    ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
    `  kafka-cluster:dataDir: ${dataDir}`,
    "  kafka-cluster:consumer: { enabled: false }",
    "  kafka-cluster:topics:",
    ...topics,
    "",
  ].join("\n");
}

interface Sample {
  readonly wallS: number;
  readonly report: AvailabilityReport;
  readonly lost: number;
}

/**
 * One setting change applied by `up`, measured: a restart-needing one
 * (replica.lag.time.max.ms) rolling or all at once, or one Kafka changes at
 * run time (log.retention.ms), applied live.
 */
async function change(pulumi: PulumiRunner, mode: (typeof MODES)[number], value: number): Promise<Sample> {
  if (mode === "live") {
    await pulumi(["config", "set", "--path", 'kafka.brokerConfig["log.retention.ms"]', String(604_800_000 + value)]);
  } else {
    await pulumi(["config", "set", "restarts", mode]);
    await pulumi(["config", "set", "--path", 'kafka.brokerConfig["replica.lag.time.max.ms"]', String(value)]);
  }
  const probe = startAvailabilityProbe({
    bootstrapServers: BOOTSTRAP,
    zookeeperConnect: ZOOKEEPER,
    topic: "Hello-Kafka",
  });
  const start = Date.now();
  await pulumi(["up", "--yes", "--skip-preview"]);
  const wallS = (Date.now() - start) / 1000;
  const report = await probe.stop();
  const lost = (await missingFromTopic(BOOTSTRAP, "Hello-Kafka", report.ackedValues)).length;
  return { wallS, report, lost };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 1);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-bench-roll-"));
  const project = stageProject(path.join(__dirname, ".."), work);
  fs.writeFileSync(path.join(project, "Pulumi.bench-roll.yaml"), stackFile(path.join(work, "data")));
  fs.mkdirSync(path.join(work, "state"));
  const pulumi = pulumiRunner(project, path.join(work, "state"));
  const samples: Record<(typeof MODES)[number], Sample[]> = { rolling: [], "all-at-once": [], live: [] };
  try {
    await pulumi(["stack", "init", "bench-roll"]);
    await pulumi(["up", "--yes", "--skip-preview"]);
    let value = 30_000;
    for (let i = 0; i < runs; i++) for (const mode of MODES) samples[mode].push(await change(pulumi, mode, ++value));
  } finally {
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
  const rows = (mode: (typeof MODES)[number]) => {
    const s = samples[mode];
    return [
      summarize(
        `${mode}: pulumi up${mode === "live" ? ", no restart" : ", 3 brokers restarted"} (s)`,
        s.map((x) => x.wallS),
      ),
      summarize(
        `${mode}: longest produce stall (ms)`,
        s.map((x) => x.report.longestStallMs),
      ),
      summarize(
        `${mode}: worst produce latency (ms)`,
        s.map((x) => x.report.worstLatencyMs),
      ),
      summarize(
        `${mode}: p99 produce latency (ms)`,
        s.map((x) => x.report.p99LatencyMs),
      ),
      summarize(
        `${mode}: failed sends`,
        s.map((x) => x.report.failed),
      ),
      summarize(
        `${mode}: fewest live brokers`,
        s.map((x) => x.report.fewestLiveBrokers),
      ),
      summarize(
        `${mode}: partitions below min ISR`,
        s.map((x) => x.report.belowMinIsr.length),
      ),
      summarize(
        `${mode}: acknowledged messages lost`,
        s.map((x) => x.lost),
      ),
    ];
  };
  printTable(
    `broker setting changes on a local stack, Hello-Kafka + 100 topics, ${runs} run(s), ${os.cpus().length} cores` +
      " (targets: rolling up <= 90 s and longest stall <= 3000 ms; live up <= 5 s, no stall)",
    [...rows("rolling"), ...rows("all-at-once"), ...rows("live")],
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
