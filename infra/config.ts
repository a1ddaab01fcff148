// The one place that reads stack config: raw values go to planCluster, which
// validates them all at once (at preview time); private keys leave here only
// as Pulumi secrets.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { planConsumer, type ConsumerPlan } from "../consumer/deploy-config";
import { declareTopics, type TopicDeclaration } from "../topics/declare";
import { topicSpecProblems } from "../topics/spec";
import { ClusterConfigError, planCluster, type ClusterPlan } from "./plan";
import { SAFE_BROKER_SETTINGS } from "./render";
import { KAFKA_VERSION, cacheDir } from "../lib/toolchain";
import { formatProblem } from "../lib/problems";

const NAMESPACE = "kafka-cluster";
const KEYS = ["target", "hosts", "zookeeper", "kafka", "dataDir", "serviceManager", "topics", "consumer", "docker"] as const;
const STRING_KEYS: ReadonlySet<string> = new Set(["target", "dataDir", "serviceManager"]);

export interface StackSettings {
  readonly plan: ClusterPlan;
  readonly topics: TopicDeclaration[];
  /** ssh target: each host's private key by host name, as secrets. */
  readonly privateKeys: Record<string, pulumi.Output<string>>;
  /** Where the consumer service runs; undefined when it does not. */
  readonly consumer: ConsumerPlan | undefined;
}

/** Reads the project's stack config and plans the cluster; bad config fails the run with every problem listed. */
export function loadStackSettings(): StackSettings {
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
  const { topics: _topics, consumer: _consumer, ...clusterRaw } = raw;
  const problems: string[] = [];
  let plan: ClusterPlan | undefined;
  try {
    plan = planCluster(clusterRaw, {
      namespace: NAMESPACE,
      defaultKafkaVersion: KAFKA_VERSION,
      defaultDataDir: (target) =>
        target === "local"
          ? path.join(cacheDir(), "stacks", `${pulumi.getProject()}-${pulumi.getStack()}`)
          : "/var/lib/kafka-cluster",
    });
  } catch (err) {
    if (!(err instanceof ClusterConfigError)) throw err;
    problems.push(...err.problems.map((p) => `${p.path}: ${p.message}, got ${JSON.stringify(p.value)}`));
  }
  const declared = declareTopics(raw.topics, NAMESPACE);
  problems.push(...declared.problems.map(formatProblem));
  if (plan) {
    // What the plan knows: the broker count and the brokers' min.insync.replicas.
    const ctx = {
      brokers: plan.brokers.length,
      defaultMinIsr: Number(plan.brokerSettings["min.insync.replicas"] ?? SAFE_BROKER_SETTINGS["min.insync.replicas"]),
    };
    declared.topics.forEach((t, i) => {
      for (const p of topicSpecProblems(t, ctx)) problems.push(formatProblem({ ...p, path: `${NAMESPACE}:topics[${i}].${p.path}` }));
    });
  }
  for (const w of declared.warnings) void pulumi.log.warn(w);
  const consumer = plan ? planConsumer(raw.consumer, plan, NAMESPACE) : undefined;
  problems.push(...(consumer?.problems ?? []));
  if (problems.length > 0 || !plan) {
    throw new pulumi.RunError(
      `invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` + problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
  const privateKeys: Record<string, pulumi.Output<string>> = {};
  for (const h of (Array.isArray(raw.hosts) ? raw.hosts : []) as Array<{ name?: unknown; privateKey?: unknown }>) {
    if (typeof h.name === "string" && typeof h.privateKey === "string") privateKeys[h.name] = pulumi.secret(h.privateKey);
  }
  return { plan, topics: declared.topics, privateKeys, consumer: consumer?.consumer };
}
