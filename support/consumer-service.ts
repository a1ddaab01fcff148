// Runs the consumer service (consumer/main.ts) as a real child process for
// tests and benchmarks, and polls its HTTP endpoints with deadlines.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { bundleService, serviceNodeFlags } from "../stack/consumer-bundle";
import { kafkajs } from "../lib/kafkajs";
import { done, notYet, pollUntil, waitFor } from "../lib/poll";

const ROOT = path.resolve(__dirname, "..");
/** tsx's loader in this process (no tsx CLI wrapper), so the child's pid is the service's. */
export const SERVICE_ARGS = [
  "--import",
  pathToFileURL(path.join(ROOT, "node_modules/tsx/dist/loader.mjs")).href,
  path.join(ROOT, "consumer/main.ts"),
];

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Everything the service printed (pino JSON lines and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code (or the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

export interface StartOptions {
  readonly timeoutMs?: number;
  /** Run it as deployments do (the esbuild bundle with the service's heap flags) rather than from source under tsx. */
  readonly asDeployed?: boolean;
}

/** Starts the service with these env vars and waits until /health answers (any status). */
export async function startService(
  env: Record<string, string>,
  { timeoutMs = 30_000, asDeployed = false }: StartOptions = {},
): Promise<ServiceProcess> {
  const host = env.HTTP_HOST ?? "127.0.0.1";
  const port = env.HTTP_PORT ?? "8080";
  let bundleDir: string | undefined;
  let args = SERVICE_ARGS;
  if (asDeployed) {
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-bundle-"));
    const script = path.join(bundleDir, "consumer.js");
    fs.writeFileSync(script, bundleService());
    args = [...serviceNodeFlags(), script];
  }
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => {
    running.delete(child);
    if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const svc: ServiceProcess = {
    child,
    baseUrl: `http://${host}:${port}`,
    output: () => out,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode ?? -1;
      const exited = once(child, "exit") as Promise<[number | null, string | null]>;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
      const [code, sig] = await exited;
      clearTimeout(timer);
      return code ?? sig ?? -1;
    },
  };
  try {
    await waitFor(async () => (await getJson(`${svc.baseUrl}/health`).catch(() => null)) !== null, {
      timeoutMs,
      intervalMs: 100,
      what: `${svc.baseUrl}/health to answer`,
      abort: () => (child.exitCode !== null ? new Error(`service exited with ${child.exitCode}:\n${out}`) : undefined),
    });
  } catch (err) {
    await svc.stop("SIGKILL");
    throw err;
  }
  return svc;
}

export interface JsonAnswer<T = any> {
  readonly status: number;
  readonly body: T;
}

export async function getJson<T = any>(url: string): Promise<JsonAnswer<T>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls `check` every `everyMs` until it returns a truthy value; throws with `what` and the last value after the deadline. */
export function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | false | null | undefined>,
  everyMs = 100,
): Promise<T> {
  let last: unknown;
  return pollUntil(
    async () => {
      const v = await check();
      if (v) return done(v);
      last = v;
      return notYet();
    },
    {
      timeoutMs,
      intervalMs: everyMs,
      what,
      timeoutError: () =>
        new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`),
    },
  );
}

/** Polls /health until `ok(answer)`; returns that answer, or throws with the last one. */
export async function waitForHealth(
  baseUrl: string,
  what: string,
  timeoutMs: number,
  ok: (a: JsonAnswer) => boolean,
): Promise<JsonAnswer> {
  let last: JsonAnswer | undefined;
  try {
    return await waitUntil(what, timeoutMs, async () => {
      last = await getJson(`${baseUrl}/health`).catch(() => undefined);
      return last && ok(last) ? last : undefined;
    });
  } catch {
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for ${what}; last /health: ${JSON.stringify(last, null, 1)}`,
    );
  }
}

/** Creates a topic with kafkajs and waits for its leaders. */
export async function createTopic(
  bootstrapServers: string,
  topic: string,
  partitions: number,
  replicationFactor: number,
): Promise<void> {
  const { Kafka, logLevel } = kafkajs();
  const admin = new Kafka({ brokers: bootstrapServers.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor }],
    });
  } finally {
    await admin.disconnect();
  }
}
