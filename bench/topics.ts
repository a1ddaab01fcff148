// Times KafkaTopic at scale with the real Pulumi CLI on a local stack
// (127.0.51.x): `pulumi up` of 500 topics (6 partitions, replication factor 3)
// on a ready cluster, a no-op preview, their removal, then the same creations
// with Kafka's own TopicCommand, one JVM per topic as `kafka-topics.sh
// --create` runs. Prints both and the ratio per topic.
// Run: npm run bench:topics [-- <topics> [<TopicCommand time budget, s>]]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiRunner, stageProject, type PulumiRunner } from "../support/pulumi";
import { TOPIC_COMMAND, runKafkaToolOk } from "../support/kafka-tools";
import { printTable, summarize } from "./table";

const ADDRESSES = ["127.0.51.1", "127.0.51.2", "127.0.51.3"];
const PARTITIONS = 6;
const REPLICATION_FACTOR = 3;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function stackConfig(dataDir: string, topics: readonly string[]): string {
  return [
    "config:",
    "  kafka-cluster:target: local",
    "  kafka-cluster:hosts:",
    ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
    `  kafka-cluster:dataDir: ${dataDir}`,
    // Topics only: the consumer service would wait for Hello-Kafka.
    "  kafka-cluster:consumer: { enabled: false }",
    topics.length ? "  kafka-cluster:topics:" : "  kafka-cluster:topics: []",
    // allowDataLoss: the removal round measures deletes; without it the topics would stay in Kafka (retainOnDelete).
    ...topics.map(
      (t) =>
        `    - { name: ${t}, partitions: ${PARTITIONS}, replicationFactor: ${REPLICATION_FACTOR}, allowDataLoss: true }`,
    ),
    "",
  ].join("\n");
}

/**
 * Creates topics one TopicCommand process at a time until all are made or
 * the budget is spent; returns each creation's milliseconds.
 */
async function topicCommandCreates(
  bootstrapServers: string,
  names: readonly string[],
  budgetMs: number,
): Promise<number[]> {
  const times: number[] = [];
  const deadline = Date.now() + budgetMs;
  for (const name of names) {
    if (Date.now() > deadline) break;
    times.push(
      await timed(() =>
        runKafkaToolOk(TOPIC_COMMAND, [
          "--bootstrap-server",
          bootstrapServers,
          "--create",
          "--topic",
          name,
          "--partitions",
          String(PARTITIONS),
          "--replication-factor",
          String(REPLICATION_FACTOR),
        ]),
      ),
    );
  }
  return times;
}

/** Last resort when destroy fails: the local target keeps a `pid` file beside each process's output. */
function killByPidFiles(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name !== "pid") continue;
    const pid = Number(fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8"));
    try {
      process.kill(-pid, "SIGKILL"); // its own session's group
    } catch {
      // already gone
    }
  }
}

interface Timings {
  cluster: number;
  destroy: number;
  readonly up: number[];
  readonly preview: number[];
  readonly remove: number[];
  /** One TopicCommand --create per entry. */
  command: number[];
}

const log = (msg: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** `rounds` times: all topics up, a no-op preview, all removed; each timed. */
async function topicRounds(
  pulumi: PulumiRunner,
  configFile: string,
  dataDir: string,
  names: readonly string[],
  rounds: number,
  ms: Timings,
): Promise<void> {
  const count = names.length;
  for (let round = 1; round <= rounds; round++) {
    fs.writeFileSync(configFile, stackConfig(dataDir, names));
    ms.up.push(await timed(() => pulumi(["up", "--yes", "--skip-preview"])));
    log(`round ${round}: ${count} topics up in ${Math.round(ms.up.at(-1)!)} ms`);
    ms.preview.push(await timed(() => pulumi(["preview", "--expect-no-changes"])));
    log(`round ${round}: no-op preview in ${Math.round(ms.preview.at(-1)!)} ms`);
    fs.writeFileSync(configFile, stackConfig(dataDir, []));
    ms.remove.push(await timed(() => pulumi(["up", "--yes", "--skip-preview"])));
    log(`round ${round}: ${count} topics removed in ${Math.round(ms.remove.at(-1)!)} ms`);
  }
}

function printResults(count: number, ms: Timings): void {
  const s = (x: number): number => Math.round(x / 100) / 10;
  const commandMs = ms.command;
  const perTopicPulumi = summarize("", ms.up).median / count;
  const perTopicCommand = commandMs.reduce((a, b) => a + b, 0) / commandMs.length;
  const sampled = commandMs.length < count;
  printTable(
    `${count} topics (${PARTITIONS} partitions, RF ${REPLICATION_FACTOR}), local target, ${os.cpus().length} cores, seconds`,
    [
      summarize("pulumi up: cluster only, to ready", [s(ms.cluster)]),
      summarize(`pulumi up: +${count} topics (target <= 60)`, ms.up.map(s)),
      summarize(`  the same, first round (brokers just started)`, [s(ms.up[0])]),
      summarize(`no-op pulumi preview of ${count} topics (target <= 15)`, ms.preview.map(s)),
      summarize(`pulumi up: -${count} topics (deletes)`, ms.remove.map(s)),
      summarize("pulumi destroy: the cluster", [s(ms.destroy)]),
      summarize(
        sampled
          ? `TopicCommand --create x${count} (extrapolated from ${commandMs.length})`
          : `TopicCommand --create x${count}, one JVM each`,
        [s(perTopicCommand * count)],
      ),
    ],
  );
  printTable("per topic creation, milliseconds", [
    summarize(
      "KafkaTopic in one pulumi up (up time / topics)",
      ms.up.map((u) => Math.round(u / count)),
    ),
    summarize("TopicCommand --create, one JVM per topic", commandMs.map(Math.round)),
  ]);
  console.log(
    `\nKafkaTopic is ${(perTopicCommand / perTopicPulumi).toFixed(1)}x faster per topic than one TopicCommand per topic ` +
      `(target >= 20x)${sampled ? `; TopicCommand measured on ${commandMs.length} of ${count} topics` : ""}.`,
  );
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 500);
  const budgetS = Number(process.argv[3] ?? 1200);
  const rounds = Number(process.argv[4] ?? 3);
  const names = Array.from({ length: count }, (_, i) => `bench-${String(i).padStart(4, "0")}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-bench-topics-"));
  const project = stageProject(path.join(__dirname, ".."), work);
  const configFile = path.join(project, "Pulumi.bench.yaml");
  const dataDir = path.join(work, "data");
  fs.mkdirSync(path.join(work, "state"));
  const pulumi = pulumiRunner(project, path.join(work, "state"));
  const ms: Timings = { cluster: 0, destroy: 0, up: [], preview: [], remove: [], command: [] };
  try {
    await pulumi(["stack", "init", "bench"]);
    fs.writeFileSync(configFile, stackConfig(dataDir, []));
    ms.cluster = await timed(() => pulumi(["up", "--yes", "--skip-preview"]));
    log(`cluster ready in ${Math.round(ms.cluster)} ms`);
    await topicRounds(pulumi, configFile, dataDir, names, rounds, ms);
    const bootstrapServers = ADDRESSES.map((a) => `${a}:9092`).join(",");
    ms.command = await topicCommandCreates(
      bootstrapServers,
      names.map((n) => `${n}-tc`),
      budgetS * 1000,
    );
    log(`TopicCommand created ${ms.command.length} topics in ${Math.round(ms.command.reduce((a, b) => a + b, 0))} ms`);
    ms.destroy = await timed(() => pulumi(["destroy", "--yes", "--skip-preview"]));
  } finally {
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch((err: Error) => {
      console.error(`destroy failed, killing the stack's processes by their pid files: ${err.message.split("\n")[0]}`);
      killByPidFiles(dataDir);
    });
    fs.rmSync(work, { recursive: true, force: true });
  }
  printResults(count, ms);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
