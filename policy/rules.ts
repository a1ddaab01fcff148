// Pure: the policy pack's rules over plain resource descriptions, so they are
// unit-tested without the policy runtime. Each violation names the resource,
// the rule and how to fix it.
import { TYPES, fileNamed, propertiesValue, roleOf, urnParts } from "../ci/resources";

/** A resource as the policy runtime sees it at the end of a preview. */
export interface StackResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
}

/** A topic as the last deployment left it (the stack's state). */
export interface DeployedTopic {
  readonly urn: string;
  /** The Kafka topic name. */
  readonly name: string;
  readonly allowDataLoss: boolean;
  /** Deployed with retainOnDelete: a delete or replace leaves the topic in Kafka. */
  readonly retained: boolean;
}

export interface Violation {
  /** The resource in violation; none for the stack as a whole. */
  readonly urn?: string;
  readonly message: string;
}

export const RULES = {
  durability: "topic-durability",
  dataLoss: "no-topic-data-loss",
  brokers: "cluster-brokers",
} as const;

export const MIN_REPLICATION_FACTOR = 3;
export const MIN_INSYNC_REPLICAS = 2;
export const MIN_BROKERS = 3;
/** Kafka's own default for min.insync.replicas, when neither topic nor brokers set it. */
const KAFKA_DEFAULT_MIN_ISR = 1;

const topicLabel = (urn: string, topic: unknown): string => {
  const id = urnParts(urn).name;
  return topic === undefined || topic === id
    ? `KafkaTopic "${id}"`
    : `KafkaTopic "${id}" (topic ${JSON.stringify(topic)})`;
};

/** The brokers' min.insync.replicas, from the server.properties of the broker processes or containers. */
function brokerMinIsr(resources: readonly StackResource[]): number | undefined {
  const values = resources
    .filter((r) => roleOf(r.type, r.name).kind === "broker")
    .map((r) => fileNamed(r.props, "server.properties"))
    .map((text) => (text === undefined ? undefined : propertiesValue(text, "min.insync.replicas")))
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return values.length ? Math.min(...values) : undefined;
}

/**
 * topic-durability: replication factor >= 3 and min.insync.replicas >= 2 (the
 * topic's own, else the brokers'), unless the topic states why not.
 */
export function durabilityViolations(resources: readonly StackResource[]): Violation[] {
  const brokersMinIsr = brokerMinIsr(resources);
  const out: Violation[] = [];
  for (const r of resources.filter((x) => x.type === TYPES.topic)) {
    const p = r.props;
    const exemption = p.policyExemption as { reason?: unknown } | undefined;
    if (typeof exemption?.reason === "string" && exemption.reason.trim() !== "") continue;
    const problems: string[] = [];
    const fixes: string[] = [];
    const rf = p.replicationFactor;
    if (typeof rf === "number" && rf < MIN_REPLICATION_FACTOR) {
      problems.push(
        `replication factor ${rf} is below ${MIN_REPLICATION_FACTOR}: losing one broker can lose acknowledged writes`,
      );
      fixes.push(`replicationFactor: ${MIN_REPLICATION_FACTOR}`);
    }
    const own = (p.config as Record<string, unknown> | undefined)?.["min.insync.replicas"];
    const minIsr = own !== undefined ? Number(own) : (brokersMinIsr ?? KAFKA_DEFAULT_MIN_ISR);
    if (Number.isFinite(minIsr) && minIsr < MIN_INSYNC_REPLICAS) {
      const source =
        own !== undefined ? "" : brokersMinIsr !== undefined ? " (the brokers' default)" : " (Kafka's default)";
      problems.push(
        `min.insync.replicas ${minIsr}${source} is below ${MIN_INSYNC_REPLICAS}: an acks=all write may live on one replica only`,
      );
      fixes.push(`config: { min.insync.replicas: "${MIN_INSYNC_REPLICAS}" }`);
    }
    if (problems.length === 0) continue;
    out.push({
      urn: r.urn,
      message:
        `${topicLabel(r.urn, p.name)} breaks ${RULES.durability}: ${problems.join("; ")}. ` +
        `Fix: in its kafka-cluster:topics entry set ${fixes.join(" and ")}, or, if it may be less durable, ` +
        `say why with policyExemption: { reason: "..." }.`,
    });
  }
  return out;
}

/**
 * no-topic-data-loss: no topic is deleted (no longer declared) or replaced
 * (renamed) with its data unless a declaration says allowDataLoss: true.
 * Pulumi decides by the deployed state: a topic deployed with retainOnDelete
 * (every topic declared without allowDataLoss, stack/program.ts) only leaves
 * the stack and stays in Kafka, so neither loses data. What remains is a
 * topic whose state predates that option: its removal or rename would delete it.
 */
export function dataLossViolations(
  resources: readonly StackResource[],
  deployed: readonly DeployedTopic[],
): Violation[] {
  const now = new Map(resources.filter((r) => r.type === TYPES.topic).map((r) => [r.urn, r]));
  const out: Violation[] = [];
  for (const old of deployed) {
    if (old.retained || old.allowDataLoss) continue;
    const next = now.get(old.urn);
    const keep =
      "Fix: run `up` once with the topic still declared as it is (that records retainOnDelete, so a later removal or " +
      "rename leaves the topic in Kafka)";
    if (!next) {
      out.push({
        urn: old.urn,
        message:
          `${topicLabel(old.urn, old.name)} breaks ${RULES.dataLoss}: it is no longer declared, and its deployed state predates ` +
          `retainOnDelete, so topic ${JSON.stringify(old.name)} would be deleted with its data. ${keep}; or, to delete it, ` +
          `first deploy its kafka-cluster:topics entry with allowDataLoss: true, then remove the entry.`,
      });
    } else if (next.props.name !== undefined && next.props.name !== old.name && next.props.allowDataLoss !== true) {
      out.push({
        urn: old.urn,
        message:
          `${topicLabel(old.urn, old.name)} breaks ${RULES.dataLoss}: renaming it to ${JSON.stringify(next.props.name)} replaces it, ` +
          `and its deployed state predates retainOnDelete, so topic ${JSON.stringify(old.name)} would be deleted with its data. ` +
          `${keep}; or, if losing the data is intended, add allowDataLoss: true to its kafka-cluster:topics entry.`,
      });
    }
  }
  return out;
}

/** cluster-brokers: every cluster waits for at least three brokers. */
export function brokerViolations(resources: readonly StackResource[]): Violation[] {
  return resources
    .filter((r) => r.type === TYPES.clusterReady)
    .filter((r) => Array.isArray(r.props.brokerIds) && r.props.brokerIds.length < MIN_BROKERS)
    .map((r) => ({
      urn: r.urn,
      message:
        `${urnParts(r.urn).name} breaks ${RULES.brokers}: the cluster has ${(r.props.brokerIds as unknown[]).length} broker(s), ` +
        `fewer than ${MIN_BROKERS}, so a replication factor of ${MIN_REPLICATION_FACTOR} cannot be placed. ` +
        `Fix: declare three hosts in kafka-cluster:hosts (broker N runs on the Nth host).`,
    }));
}
