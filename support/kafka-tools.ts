// Runs Kafka's own command-line tools (TopicCommand, console producer and
// consumer) from the cached jars: an independent check on what we build.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { kafkaLibsDir } from "../lib/toolchain";

export const TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand";
export const CONSOLE_PRODUCER = "kafka.tools.ConsoleProducer";
export const CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
export const CONFIG_COMMAND = "kafka.admin.ConfigCommand";

export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ToolOptions {
  /** Written to the tool's stdin, which is then closed. */
  readonly input?: string;
  /** Killed after this long. Default 60 s. */
  readonly timeoutMs?: number;
}

export function runKafkaTool(
  mainClass: string,
  args: readonly string[],
  options: ToolOptions = {},
): Promise<ToolResult> {
  const log4j = path.join(__dirname, "tools-log4j.properties");
  const child = spawn(
    "java",
    [
      "-Xmx256m",
      "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC",
      `-Dlog4j.configuration=file:${log4j}`,
      "-cp",
      `${kafkaLibsDir()}/*`,
      mainClass,
      ...args,
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin.end(options.input ?? "");
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a tool and throws, with its output, unless it exits 0. */
export async function runKafkaToolOk(
  mainClass: string,
  args: readonly string[],
  options: ToolOptions = {},
): Promise<string> {
  const r = await runKafkaTool(mainClass, args, options);
  if (r.code !== 0) {
    throw new Error(`${mainClass} ${args.join(" ")} exited ${r.code}\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

export interface DescribedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number | null;
  readonly replicas: number[];
  readonly isr: number[];
}

const ids = (s: string | undefined): number[] => (s ? s.split(",").filter(Boolean).map(Number) : []);

/** Parses the partition lines of `kafka-topics.sh --describe`. */
export function parseTopicDescribe(text: string): DescribedPartition[] {
  const out: DescribedPartition[] = [];
  for (const line of text.split("\n")) {
    if (!/^\s*Topic: .*\tPartition: /.test(line)) continue;
    const fields = new Map(
      line
        .trim()
        .split("\t")
        .map((f) => {
          const i = f.indexOf(": ");
          return [f.slice(0, i), f.slice(i + 2)] as const;
        }),
    );
    const leader = fields.get("Leader");
    out.push({
      topic: fields.get("Topic") ?? "",
      partition: Number(fields.get("Partition")),
      leader: leader === undefined || leader === "none" ? null : Number(leader),
      replicas: ids(fields.get("Replicas")),
      isr: ids(fields.get("Isr")),
    });
  }
  return out;
}
