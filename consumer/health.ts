// The health model: a pure function from what the two sources (ZooKeeper
// watches and the Kafka admin API) last saw to a verdict per partition and for
// the cluster. The watchers and pollers only feed it.
import { brokersHealth, type BrokerHealth } from "./broker-health";
import type { BrokerReachability } from "./broker-probe";

export const PARTITION_STATES = [
  "offline",
  "under_min_isr",
  "at_min_isr",
  "under_replicated",
  "non_preferred_leader",
  "ok",
] as const;
/**
 * A partition's state is the first of its conditions in this order (most
 * severe first): offline (no live leader; nothing can be read or written),
 * under_min_isr (acks=all producers fail), at_min_isr (one more failure and
 * they do), under_replicated (ISR smaller than the replicas),
 * non_preferred_leader (leader is not the first replica), then ok. Every
 * condition that holds is listed too, so a partition at min ISR still shows
 * under_replicated.
 */
export type PartitionState = (typeof PARTITION_STATES)[number];
export type SourceName = "zookeeper" | "admin";

export interface PartitionView {
  readonly topic: string;
  readonly partition: number;
  /** null when the partition has no leader (-1 in Kafka). */
  readonly leader: number | null;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface SourceView {
  /** False while the source has no session (ZooKeeper disconnected). */
  readonly live: boolean;
  /** When the data was last known to be current (ms since the epoch); null before the first read. */
  readonly asOf: number | null;
  /** Live broker ids, or null when unknown. */
  readonly brokers: readonly number[] | null;
  readonly controller: number | null;
  readonly partitions: readonly PartitionView[];
  /** Topic -> why the source could not describe it (missing topic, error). */
  readonly topicErrors: Readonly<Record<string, string>>;
  /** The last error reading the source, if the last read failed. */
  readonly error?: string | undefined;
}

export interface HealthInput {
  readonly now: number;
  readonly topics: readonly string[];
  readonly expectedBrokers: number;
  /** Admin data older than this is stale. ZooKeeper data is stale while disconnected. */
  readonly staleAfterMs: number;
  /** How long the sources may disagree before health reports it. */
  readonly graceMs: number;
  readonly zookeeper: SourceView;
  readonly admin: SourceView;
  /** Topic -> effective min.insync.replicas; missing when unknown. */
  readonly minIsr: Readonly<Record<string, number>>;
  /** "topic/partition" -> consumer group lag; null or missing when unknown. */
  readonly lag: Readonly<Record<string, number | null>>;
  /** Disagreement key -> when it was first seen; from the previous evaluation. */
  readonly disagreementsSince: ReadonlyMap<string, number>;
  /** The direct probe's view of each broker (consumer/broker-probe.ts); none without a probe. */
  readonly probes?: readonly BrokerReachability[];
}

export interface PartitionHealth extends PartitionView {
  readonly state: PartitionState;
  readonly conditions: PartitionState[];
  readonly preferredLeader: number | null;
  readonly minIsr: number | null;
  readonly lag: number | null;
  /** The source this row comes from. */
  readonly source: SourceName;
}

export interface SourceHealth {
  readonly live: boolean;
  readonly stale: boolean;
  readonly ageMs: number | null;
  readonly error?: string;
}

export interface Disagreement {
  readonly key: string;
  readonly detail: string;
  readonly sinceMs: number;
  /** Past the grace period: reported as a reason. */
  readonly reported: boolean;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly stale: boolean;
  readonly checkedAt: number;
  readonly reasons: string[];
  readonly cluster: {
    readonly liveBrokers: number[] | null;
    readonly expectedBrokers: number;
    readonly controller: number | null;
    readonly sources: Record<SourceName, SourceHealth>;
    /** Every broker known, registered or not, and whether the direct probe reaches it. */
    readonly brokers: BrokerHealth[];
  };
  readonly partitions: PartitionHealth[];
  readonly disagreements: Disagreement[];
  /** Feed back as `disagreementsSince` next time. */
  readonly disagreementsSince: Map<string, number>;
}

const fmt = (ids: readonly number[]): string => `[${ids.join(",")}]`;
const sameSet = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** Every condition that holds for one partition, most severe first. */
export function partitionConditions(
  p: PartitionView,
  minIsr: number | null,
  liveBrokers: readonly number[] | null,
): PartitionState[] {
  const leaderLive = p.leader !== null && (liveBrokers === null || liveBrokers.includes(p.leader));
  const found = new Set<PartitionState>();
  if (!leaderLive) found.add("offline");
  if (minIsr !== null && (p.isr.length < minIsr || !leaderLive)) found.add("under_min_isr");
  if (minIsr !== null && p.isr.length === minIsr && leaderLive) found.add("at_min_isr");
  if (p.isr.length < p.replicas.length) found.add("under_replicated");
  if (p.leader !== null && p.replicas.length > 0 && p.leader !== p.replicas[0]) found.add("non_preferred_leader");
  const list = PARTITION_STATES.filter((s) => found.has(s));
  return list.length > 0 ? list : ["ok"];
}

function sourceHealth(v: SourceView, now: number, staleAfterMs: number, name: SourceName): SourceHealth {
  const ageMs = v.asOf === null ? null : Math.max(0, now - v.asOf);
  // ZooKeeper pushes changes: connected means current. The admin API is polled.
  const stale = !v.live || ageMs === null || (name === "admin" && ageMs > staleAfterMs);
  return { live: v.live, stale, ageMs, ...(v.error ? { error: v.error } : {}) };
}

function staleReason(name: SourceName, h: SourceHealth): string {
  const why = !h.live
    ? "disconnected"
    : h.ageMs === null
      ? "no data yet"
      : `last current ${(h.ageMs / 1000).toFixed(1)} s ago`;
  return `${name} data is stale (${why}${h.error ? `; last error: ${h.error}` : ""})`;
}

/** What the two sources currently disagree on, as key -> detail. */
function compareSources(zk: SourceView, admin: SourceView, topics: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (zk.brokers && admin.brokers && !sameSet(zk.brokers, admin.brokers)) {
    out.set("brokers", `live brokers: zookeeper ${fmt(zk.brokers)}, admin ${fmt(admin.brokers)}`);
  }
  if (zk.controller !== admin.controller) {
    out.set("controller", `controller: zookeeper ${zk.controller ?? "none"}, admin ${admin.controller ?? "none"}`);
  }
  const adminRows = new Map(admin.partitions.map((p) => [`${p.topic}/${p.partition}`, p]));
  for (const z of zk.partitions) {
    if (!topics.includes(z.topic)) continue;
    const key = `${z.topic}/${z.partition}`;
    const a = adminRows.get(key);
    if (!a) continue;
    if (z.leader !== a.leader)
      out.set(
        `${key}:leader`,
        `${z.topic}-${z.partition} leader: zookeeper ${z.leader ?? "none"}, admin ${a.leader ?? "none"}`,
      );
    if (!sameSet(z.isr, a.isr))
      out.set(`${key}:isr`, `${z.topic}-${z.partition} isr: zookeeper ${fmt(z.isr)}, admin ${fmt(a.isr)}`);
  }
  return out;
}

type Ordered = ReadonlyArray<readonly [SourceName, SourceView]>;

/** Live brokers and controller from the freshest source that has read anything at all, and what is wrong with them. */
interface ClusterFacts {
  readonly liveBrokers: number[] | null;
  readonly controller: number | null;
}

function clusterFacts(input: HealthInput, order: Ordered, reasons: string[]): ClusterFacts {
  const primary = order.find(([, v]) => v.asOf !== null)?.[1];
  const liveBrokers = primary?.brokers ? [...primary.brokers].sort((a, b) => a - b) : null;
  const controller = primary?.controller ?? null;
  if (liveBrokers === null) reasons.push(`live brokers unknown (expected ${input.expectedBrokers})`);
  else if (liveBrokers.length < input.expectedBrokers) {
    reasons.push(`${liveBrokers.length} of ${input.expectedBrokers} expected brokers live: ${fmt(liveBrokers)}`);
  }
  if (controller === null) reasons.push("no active controller");
  return { liveBrokers, controller };
}

/** One topic's partitions, each row from the freshest source that has it; a reason per partition not ok. */
function topicHealth(
  input: HealthInput,
  topic: string,
  order: Ordered,
  liveBrokers: readonly number[] | null,
  reasons: string[],
): PartitionHealth[] {
  const rows = new Map<number, [SourceName, PartitionView]>();
  for (const [name, v] of [...order].reverse()) {
    for (const p of v.partitions) if (p.topic === topic) rows.set(p.partition, [name, p]);
  }
  if (rows.size === 0) {
    const errors = order
      .map(([name, v]) => (v.topicErrors[topic] ? `${name}: ${v.topicErrors[topic]}` : null))
      .filter(Boolean);
    reasons.push(`topic ${topic}: no partitions known${errors.length ? ` (${errors.join("; ")})` : ""}`);
    return [];
  }
  const minIsr = input.minIsr[topic] ?? null;
  const partitions: PartitionHealth[] = [];
  for (const [, [source, p]] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    const conditions = partitionConditions(p, minIsr, liveBrokers);
    const state = conditions[0] ?? "ok";
    const lag = input.lag[`${topic}/${p.partition}`] ?? null;
    partitions.push({ ...p, state, conditions, preferredLeader: p.replicas[0] ?? null, minIsr, lag, source });
    if (state !== "ok") {
      reasons.push(
        `${topic}-${p.partition}: ${conditions.join(", ")} (leader ${p.leader ?? "none"}, replicas ${fmt(p.replicas)}, isr ${fmt(p.isr)}${minIsr !== null ? `, min.insync.replicas ${minIsr}` : ""})`,
      );
    }
  }
  return partitions;
}

/** Where both sources are current and disagree: since when, and a reason once past the grace period. */
interface Disagreements {
  readonly disagreements: Disagreement[];
  readonly disagreementsSince: Map<string, number>;
}

function disagreementsOf(input: HealthInput, reasons: string[]): Disagreements {
  const disagreementsSince = new Map<string, number>();
  const disagreements: Disagreement[] = [];
  for (const [key, detail] of compareSources(input.zookeeper, input.admin, input.topics)) {
    const since = input.disagreementsSince.get(key) ?? input.now;
    disagreementsSince.set(key, since);
    const sinceMs = input.now - since;
    const reported = sinceMs >= input.graceMs;
    disagreements.push({ key, detail, sinceMs, reported });
    if (reported) reasons.push(`sources disagree for ${(sinceMs / 1000).toFixed(1)} s: ${detail}`);
  }
  return { disagreements, disagreementsSince };
}

export function evaluateHealth(input: HealthInput): HealthReport {
  const { now } = input;
  const sources: Record<SourceName, SourceHealth> = {
    zookeeper: sourceHealth(input.zookeeper, now, input.staleAfterMs, "zookeeper"),
    admin: sourceHealth(input.admin, now, input.staleAfterMs, "admin"),
  };
  const reasons: string[] = [];
  for (const name of ["zookeeper", "admin"] as const)
    if (sources[name].stale) reasons.push(staleReason(name, sources[name]));

  // ZooKeeper is the first-hand record; the admin API's view fills in when it is stale.
  const order: Array<[SourceName, SourceView]> = [
    ["zookeeper", input.zookeeper],
    ["admin", input.admin],
  ];
  order.sort(([an], [bn]) => Number(sources[an].stale) - Number(sources[bn].stale));
  const { liveBrokers, controller } = clusterFacts(input, order, reasons);
  const brokers = brokersHealth(liveBrokers, input.probes ?? [], reasons);
  const partitions = input.topics.flatMap((topic) => topicHealth(input, topic, order, liveBrokers, reasons));
  const stale = sources.zookeeper.stale || sources.admin.stale;
  const none: Disagreements = { disagreements: [], disagreementsSince: new Map() };
  const { disagreements, disagreementsSince } = stale ? none : disagreementsOf(input, reasons);

  return {
    healthy: reasons.length === 0,
    stale,
    checkedAt: now,
    reasons,
    cluster: { liveBrokers, expectedBrokers: input.expectedBrokers, controller, sources, brokers },
    partitions,
    disagreements,
    disagreementsSince,
  };
}

/** Ready: the consumer has joined its group and no source is stale. */
export function evaluateReadiness(
  joined: boolean,
  report: Pick<HealthReport, "stale" | "cluster">,
): { ready: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (!joined) reasons.push("consumer has not joined its group");
  for (const [name, s] of Object.entries(report.cluster.sources)) if (s.stale) reasons.push(`${name} data is stale`);
  return { ready: reasons.length === 0, reasons };
}
