// A real Prometheus (Debian's prometheus package) for tests: scrapes given
// targets every second with monitoring/alerts.yml loaded, keeps its data in
// a temporary directory, and is queried through its HTTP API.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { waitUntil } from "./consumer-service";

export const PROMETHEUS = process.env.KAFKA_CLUSTER_PROMETHEUS ?? "/usr/bin/prometheus";
const RULES = path.resolve(__dirname, "../monitoring/alerts.yml");

export interface PrometheusProcess {
  readonly url: string;
  /** An instant query: the result vector. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Alerts and their state (pending, firing). */
  alerts(): Promise<Array<{ labels: Record<string, string>; state: string }>>;
  output(): string;
  stop(): Promise<void>;
}

function config(targets: readonly string[]): string {
  return [
    "global:",
    "  scrape_interval: 1s",
    "  evaluation_interval: 1s",
    "rule_files:",
    `  - ${JSON.stringify(RULES)}`,
    "scrape_configs:",
    "  - job_name: kafka-cluster-consumer",
    "    static_configs:",
    `      - targets: ${JSON.stringify(targets)}`,
    "",
  ].join("\n");
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/** Starts Prometheus on `listen` (host:port) scraping `targets`; resolves once it is ready. */
export async function startPrometheus(listen: string, targets: readonly string[]): Promise<PrometheusProcess> {
  if (!fs.existsSync(PROMETHEUS))
    throw new Error(`${PROMETHEUS} not found: install Debian's prometheus (npm run setup)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kc-prometheus-"));
  fs.writeFileSync(path.join(dir, "prometheus.yml"), config(targets));
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=${listen}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const url = `http://${listen}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", () => child.kill("SIGKILL"));
  try {
    await waitUntil(`Prometheus ready at ${url}`, 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${out}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    query: async (q) => (await api<{ result: never }>(`${url}/api/v1/query?query=${encodeURIComponent(q)}`)).result,
    alerts: async () => (await api<{ alerts: never }>(`${url}/api/v1/alerts`)).alerts,
    output: () => out,
    stop,
  };
}
