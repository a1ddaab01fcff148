// Drains one million 100-byte messages from a 3x3 topic with the consumer
// service, kcat and Kafka's console consumer, in the same run on the same
// topic (each output to /dev/null), and prints messages per second, the
// ratios, and the service's peak resident memory while draining. The service
// runs as it is deployed: the bundle with its heap flags (consumer/bundle.ts).
// Run: npm run bench:consume [-- runs [messages]]
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kafkaLibsDir } from "../lib/toolchain";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { createTopic, getJson, startService, waitUntil } from "../support/consumer-service";
import { CONSOLE_CONSUMER } from "../support/kafka-tools";
import { printTable, summarize } from "./table";

const PREFIX = "127.0.52";
const TOPIC = "bench-consume";
const WORDS = ["hello", "kafka", "stream", "window", "count", "broker", "leader", "replica", "zookeeper", "partition"];

/** `count` lines of exactly 99 characters of words (+ newline = one 100-byte message each). */
function writeMessages(file: string, count: number): void {
  const fd = fs.openSync(file, "w");
  let chunk = "";
  for (let i = 0; i < count; i++) {
    // A small vocabulary, as in text: the window's word table stays small.
    let line = WORDS[i % WORDS.length]!;
    for (let w = i; line.length < 99; w = (w * 7 + 3) % 1009) line += ` ${WORDS[w % WORDS.length]}`;
    chunk += `${line.slice(0, 99)}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = "";
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

/** Runs a command with stdout to /dev/null; resolves with its wall time in ms. */
async function timed(command: string, args: string[], input?: string): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: [input ? fs.openSync(input, "r") : "ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${command} exited ${code}: ${err.slice(-2000)}`);
  return performance.now() - started;
}

function kcatDrain(cluster: TestCluster): Promise<number> {
  return timed("kcat", ["-C", "-b", cluster.bootstrapServers, "-t", TOPIC, "-e", "-o", "beginning", "-q"]);
}

function consoleDrain(cluster: TestCluster, count: number, group: string): Promise<number> {
  const log4j = path.join(__dirname, "../support/tools-log4j.properties");
  return timed("java", [
    "-Xmx512m",
    "-XX:+UseSerialGC",
    `-Dlog4j.configuration=file:${log4j}`,
    "-cp",
    `${kafkaLibsDir()}/*`,
    CONSOLE_CONSUMER,
    "--bootstrap-server",
    cluster.bootstrapServers,
    "--topic",
    TOPIC,
    "--from-beginning",
    "--max-messages",
    String(count),
    "--group",
    group,
  ]);
}

/** Peak resident set (VmHWM) of a live process, in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function serviceDrain(
  cluster: TestCluster,
  count: number,
  group: string,
): Promise<{ ms: number; joinMs: number; rssMb: number }> {
  const started = performance.now();
  const svc = await startService(
    {
      KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrapServers,
      ZOOKEEPER_CONNECT: cluster.zookeeperConnect,
      TOPICS: TOPIC,
      GROUP_ID: group,
      WINDOW_MS: "1000",
      HTTP_HOST: `${PREFIX}.1`,
      HTTP_PORT: "18090",
      LOG_LEVEL: "warn",
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    },
    { asDeployed: true },
  );
  try {
    let joinMs = NaN;
    await waitUntil(
      `the service to count ${count} messages`,
      600_000,
      async () => {
        const { body } = await getJson(`${svc.baseUrl}/stats`);
        if (Number.isNaN(joinMs) && body.joined) joinMs = performance.now() - started;
        return body.messages >= count;
      },
      20,
    );
    const ms = performance.now() - started;
    return { ms, joinMs, rssMb: peakRssMb(svc.child.pid!) };
  } finally {
    await svc.stop("SIGTERM");
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const count = Number(process.argv[3] ?? 1_000_000);
  const cluster = await startTestCluster({ addressPrefix: PREFIX });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-consume-"));
  try {
    await createTopic(cluster.bootstrapServers, TOPIC, 3, 3);
    const file = path.join(dir, "messages.txt");
    writeMessages(file, count);
    const produceMs = await timed(
      "kcat",
      ["-P", "-b", cluster.bootstrapServers, "-t", TOPIC, "-X", "linger.ms=20", "-X", "batch.size=1000000"],
      file,
    );
    console.log(`produced ${count} messages of 100 bytes in ${(produceMs / 1000).toFixed(1)} s`);

    const rate = { kcat: [] as number[], console: [] as number[], service: [] as number[], joined: [] as number[] };
    const ratio = { kcat: [] as number[], console: [] as number[] };
    const rss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const k = count / ((await kcatDrain(cluster)) / 1000);
      const c = count / ((await consoleDrain(cluster, count, `bench-console-${i}`)) / 1000);
      const s = await serviceDrain(cluster, count, `bench-service-${i}`);
      const sv = count / (s.ms / 1000);
      rate.kcat.push(k);
      rate.console.push(c);
      rate.service.push(sv);
      rate.joined.push(count / ((s.ms - s.joinMs) / 1000));
      ratio.kcat.push((100 * sv) / k);
      ratio.console.push((100 * sv) / c);
      rss.push(s.rssMb);
      console.log(
        `run ${i + 1}: kcat ${k.toFixed(0)}/s, console consumer ${c.toFixed(0)}/s, service ${sv.toFixed(0)}/s (joined its group after ${s.joinMs.toFixed(0)} ms), service peak RSS ${s.rssMb.toFixed(0)} MB`,
      );
    }
    printTable(
      `draining ${count} messages of 100 bytes from a 3x3 topic (process start to last message), ${runs} runs, ${os.cpus().length} cores`,
      [
        summarize("kcat (messages/s)", rate.kcat),
        summarize("console consumer (messages/s)", rate.console),
        summarize("service (messages/s)", rate.service),
        summarize("service, from joining its group (messages/s)", rate.joined),
        summarize("service / kcat (%)", ratio.kcat),
        summarize("service / console consumer (%)", ratio.console),
        summarize("service peak RSS (MB)", rss),
      ],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
