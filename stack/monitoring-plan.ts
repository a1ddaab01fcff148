// Pure: the stack's `kafka-cluster:monitoring` value, the cluster plan and the
// consumer plan -> where Prometheus runs and what it scrapes, or every
// problem with its path; and the prometheus.yml it runs with.
import { z } from "zod";
import type { ClusterPlan, PlannedHost } from "../infra/plan";
import { zodProblems, type Problem } from "../lib/problems";
import { portsTaken, type ConsumerPlan } from "./consumer-plan";

/** Where Debian's prometheus package puts the server (`apt-get install prometheus`). */
export const DEFAULT_PROMETHEUS = "/usr/bin/prometheus";

const schema = z.strictObject({
  prometheus: z.boolean().default(false),
  port: z.number().int().min(1).max(65535).default(9090),
  // Prometheus's own duration syntax (--storage.tsdb.retention.time); unset: its default, 15d.
  retention: z
    .string()
    .regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, "must be a Prometheus duration, e.g. 15d or 12h")
    .optional(),
});

export type MonitoringConfigInput = z.input<typeof schema>;
export type MonitoringConfig = z.output<typeof schema>;

export interface PrometheusPlan {
  readonly host: PlannedHost;
  readonly port: number;
  readonly retention: string | undefined;
  /** The consumer service's host:port, scraped at /metrics. */
  readonly scrapeTarget: string;
  /** http://<host>:<port>, the stack output `prometheusUrl`. */
  readonly url: string;
}

export interface MonitoringPlanResult {
  /** Undefined when Prometheus is not deployed. */
  readonly prometheus: PrometheusPlan | undefined;
  readonly problems: Problem[];
}

export function parseMonitoring(
  raw: unknown,
  namespace = "kafka-cluster",
): { config: MonitoringConfig; problems: [] } | { config: undefined; problems: Problem[] } {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return { config: parsed.data, problems: [] };
  return { config: undefined, problems: zodProblems(`${namespace}:monitoring`, raw, parsed.error.issues) };
}

/** Why `prometheus: true` cannot run on this stack, if it cannot. */
function placementProblem(plan: ClusterPlan, consumer: ConsumerPlan | undefined, key: string): Problem | undefined {
  const path = `${key}.prometheus`;
  if (plan.target !== "local") {
    const message = `Prometheus runs on the local target only for now (this stack's target is ${plan.target}); run your own and scrape the consumer service's /metrics`;
    return { path, message, value: true };
  }
  if (!consumer) {
    const message = `needs the consumer service (kafka-cluster:consumer), whose /metrics it scrapes`;
    return { path, message, value: true };
  }
  return undefined;
}

/** Prometheus on the stack's first host, beside the service, on a port nothing else there uses. */
export function placeMonitoring(
  c: MonitoringConfig,
  plan: ClusterPlan,
  consumer: ConsumerPlan | undefined,
  namespace = "kafka-cluster",
): MonitoringPlanResult {
  const key = `${namespace}:monitoring`;
  if (!c.prometheus) return { prometheus: undefined, problems: [] };
  const refused = placementProblem(plan, consumer, key);
  if (refused || !consumer) return { prometheus: undefined, problems: refused ? [refused] : [] };
  const host = plan.hosts[0]!;
  const taken = [
    ...portsTaken(plan, host),
    ...(consumer.host.address === host.address ? [[consumer.port, "the consumer service"] as const] : []),
  ];
  const clash = taken.find(([port]) => port === c.port);
  if (clash) {
    const message = `${host.name} already uses it for ${clash[1]}`;
    return { prometheus: undefined, problems: [{ path: `${key}.port`, message, value: c.port }] };
  }
  const prometheus: PrometheusPlan = {
    host,
    port: c.port,
    retention: c.retention,
    scrapeTarget: `${consumer.host.address}:${consumer.port}`,
    url: `http://${host.address}:${c.port}`,
  };
  return { prometheus, problems: [] };
}

/** The job name the service's series carry (`up{job="kafka-cluster-consumer"}`), as in support/prometheus.ts. */
export const SCRAPE_JOB = "kafka-cluster-consumer";

/** prometheus.yml: the service's /metrics and the shipped alert rules, from the work directory. */
export function renderPrometheusConfig(p: PrometheusPlan, rulesFile: string): string {
  return [
    "# Written by the kafka-cluster Pulumi program (stack/monitoring-plan.ts): changes are overwritten.",
    "global:",
    "  scrape_interval: 5s",
    "  evaluation_interval: 5s",
    "rule_files:",
    `  - ${JSON.stringify(rulesFile)}`,
    "scrape_configs:",
    `  - job_name: ${SCRAPE_JOB}`,
    "    metrics_path: /metrics",
    "    static_configs:",
    `      - targets: [${JSON.stringify(p.scrapeTarget)}]`,
    "",
  ].join("\n");
}
