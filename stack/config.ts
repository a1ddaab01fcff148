// The one place that reads stack config: every key is validated (the cluster
// plan, the topics, the consumer service) and every problem is reported at
// once, at preview time. Private keys leave here only as Pulumi secrets.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../lib/errors";
import { formatProblems, type Problem } from "../lib/problems";
import { KAFKA_VERSION, cacheDir } from "../lib/toolchain";
import { planCluster, planWarnings, type ClusterPlan, type PlanContext } from "../infra/plan";
import { SAFE_BROKER_SETTINGS } from "../infra/render";
import { declareTopics, type TopicDeclaration } from "../topics/declare";
import { topicSpecProblems } from "../topics/spec";
import { parseConsumer, placeConsumer, type ConsumerPlan } from "./consumer-plan";
import { parseMonitoring, placeMonitoring, type PrometheusPlan } from "./monitoring-plan";
import { passphraseProblem } from "./passphrase";
import { missingPrometheus, prometheusBinary } from "./prometheus";

export const NAMESPACE = "kafka-cluster";
const KEYS = [
  "target",
  "hosts",
  "zookeeper",
  "kafka",
  "dataDir",
  "serviceManager",
  "insecureIgnoreHostKey",
  "restarts",
  "rollTimeoutSeconds",
  "moveData",
  "placement",
  "topics",
  "consumer",
  "monitoring",
  "docker",
] as const;
const STRING_KEYS: ReadonlySet<string> = new Set(["target", "dataDir", "serviceManager", "restarts"]);

export interface StackSettings {
  readonly plan: ClusterPlan;
  readonly topics: TopicDeclaration[];
  /** ssh target: each host's private key by host name, as secrets. */
  readonly privateKeys: Record<string, pulumi.Output<string>>;
  /** Where the consumer service runs; undefined when it does not. */
  readonly consumer: ConsumerPlan | undefined;
  /** Where Prometheus runs (`monitoring.prometheus`); undefined when it does not. */
  readonly prometheus: PrometheusPlan | undefined;
}

export type ValidatedStack =
  | ({ readonly ok: true; readonly warnings: string[] } & Omit<StackSettings, "privateKeys">)
  | { readonly ok: false; readonly problems: Problem[]; readonly warnings: string[] };

/** A problem written as `<path>: <message>` (topics/declare.ts reports them so), or already a Problem. */
function planProblems(raw: Record<string, unknown>, ctx: PlanContext): { plan?: ClusterPlan; problems: Problem[] } {
  try {
    return { plan: planCluster(raw, ctx), problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { problems: [...err.problems] };
  }
}

/** What the plan knows about topics: the broker count and the brokers' min.insync.replicas. */
function topicProblemsOnPlan(topics: readonly TopicDeclaration[], plan: ClusterPlan, namespace: string): Problem[] {
  const ctx = {
    brokers: plan.brokers.length,
    defaultMinIsr: Number(plan.brokerSettings["min.insync.replicas"] ?? SAFE_BROKER_SETTINGS["min.insync.replicas"]),
  };
  return topics.flatMap((t, i) =>
    topicSpecProblems(t, ctx).map((p) => ({ ...p, path: `${namespace}:topics[${i}].${p.path}` })),
  );
}

/**
 * Pure: validates raw stack config (parsed values by key, without the
 * namespace). Each key is checked even when another is bad; checks that need
 * the cluster plan run once it is valid.
 */
export function validateStack(raw: Record<string, unknown>, ctx: PlanContext & { namespace: string }): ValidatedStack {
  const { topics: rawTopics, consumer: rawConsumer, monitoring: rawMonitoring, ...clusterRaw } = raw;
  const { plan, problems } = planProblems(clusterRaw, ctx);
  const declared = declareTopics(rawTopics, ctx.namespace);
  problems.push(...declared.problems);
  if (plan) problems.push(...topicProblemsOnPlan(declared.topics, plan, ctx.namespace));
  const parsed = parseConsumer(rawConsumer, ctx.namespace);
  const consumer = parsed.config && plan ? placeConsumer(parsed.config, plan, ctx.namespace) : undefined;
  problems.push(...parsed.problems, ...(consumer?.problems ?? []));
  const monitoring = parseMonitoring(rawMonitoring, ctx.namespace);
  const placed =
    monitoring.config && plan && consumer?.problems.length === 0
      ? placeMonitoring(monitoring.config, plan, consumer.consumer, ctx.namespace)
      : undefined;
  problems.push(...monitoring.problems, ...(placed?.problems ?? []));
  const warnings = [...declared.warnings, ...(plan ? planWarnings(plan, ctx.namespace) : [])];
  if (problems.length > 0 || !plan) return { ok: false, problems, warnings };
  return {
    ok: true,
    plan,
    topics: declared.topics,
    consumer: consumer?.consumer,
    prometheus: placed?.prometheus,
    warnings,
  };
}

/** The project's keys from the stack config, JSON values parsed. */
function readRawConfig(): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    // The runtime's own reader: `hosts` holds secrets (private keys), and
    // Config.get would warn about reading a secret as plain text.
    const text = pulumi.runtime.getConfig(`${NAMESPACE}:${key}`);
    if (text === undefined) continue;
    try {
      raw[key] = STRING_KEYS.has(key) ? text : JSON.parse(text);
    } catch {
      raw[key] = text; // not JSON: the schema reports it with its path
    }
  }
  return raw;
}

function privateKeysOf(hosts: unknown): Record<string, pulumi.Output<string>> {
  const keys: Record<string, pulumi.Output<string>> = {};
  for (const h of (Array.isArray(hosts) ? hosts : []) as Array<{ name?: unknown; privateKey?: unknown }>) {
    if (typeof h.name === "string" && typeof h.privateKey === "string") keys[h.name] = pulumi.secret(h.privateKey);
  }
  return keys;
}

/** The defaults that depend on the stack: every stack gets its own data directories and Docker network. */
export function stackDefaults(project: string, stack: string): Omit<PlanContext, "defaultKafkaVersion" | "namespace"> {
  return {
    defaultDataDir: (target) =>
      target === "local" ? path.join(cacheDir(), "stacks", `${project}-${stack}`) : `/var/lib/kafka-cluster/${stack}`,
    defaultDockerNetwork: `kafka-cluster-${stack}`,
  };
}

/** Reads the project's stack config and plans the stack; bad config fails the run with every problem listed. */
export function loadStackSettings(): StackSettings {
  const passphrase = passphraseProblem(pulumi.getStack(), process.env);
  if (passphrase) throw new pulumi.RunError(passphrase);
  const raw = readRawConfig();
  const result = validateStack(raw, {
    namespace: NAMESPACE,
    defaultKafkaVersion: KAFKA_VERSION,
    ...stackDefaults(pulumi.getProject(), pulumi.getStack()),
  });
  for (const w of result.warnings) void pulumi.log.warn(w);
  if (!result.ok) throw new pulumi.RunError(formatProblems(result.problems));
  const missing = result.prometheus ? missingPrometheus(prometheusBinary()) : undefined;
  if (missing) throw new pulumi.RunError(missing);
  const { plan, topics, consumer, prometheus } = result;
  return { plan, topics, privateKeys: privateKeysOf(raw.hosts), consumer, prometheus };
}
