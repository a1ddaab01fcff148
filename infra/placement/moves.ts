// Pure: which replicas move when brokers come and go. Draining moves every
// replica off brokers the stack no longer lists; rebalancing spreads a topic's
// replicas evenly over the listed brokers. Both keep replicas where they are
// when they can (less data to copy) and keep each partition's leader first.
import { reassign, type PartitionReplicas } from "../../topics/assignment";

export interface TopicReplicas {
  readonly topic: string;
  readonly partitions: readonly PartitionReplicas[];
}

export interface PlacementRules {
  /** The brokers the stack lists. */
  readonly brokers: readonly number[];
  /** Spread every topic (true), the topics named, or none (false) evenly over `brokers`. */
  readonly rebalance: boolean | readonly string[];
  /** Move replicas off brokers not in `brokers`. */
  readonly drain: boolean;
}

export interface PlacementMoves {
  /** Topic -> partition -> new replica list, only where it changes. */
  readonly moves: ReadonlyMap<string, ReadonlyMap<number, number[]>>;
  /** Without drain: replicas on brokers the stack no longer lists, as `topic-partition on broker N`. */
  readonly stranded: readonly string[];
}

const sameList = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Replicas per broker over every topic: what the state keeps to refuse a removal at preview. */
export function replicasByBroker(topics: readonly TopicReplicas[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of topics)
    for (const p of t.partitions) for (const r of p.replicas) out[String(r)] = (out[String(r)] ?? 0) + 1;
  return out;
}

/** The moves `rules` ask of the topics as they are now. */
export function placementMoves(topics: readonly TopicReplicas[], rules: PlacementRules): PlacementMoves {
  const listed = new Set(rules.brokers);
  const stranded: string[] = [];
  const moves = new Map<string, Map<number, number[]>>();
  for (const t of topics) {
    const off = t.partitions.filter((p) => p.replicas.some((r) => !listed.has(r)));
    if (!rules.drain)
      for (const p of off)
        for (const r of p.replicas.filter((b) => !listed.has(b)))
          stranded.push(`${t.topic}-${p.partition} on broker ${r}`);
    const spread = rules.rebalance === true || (Array.isArray(rules.rebalance) && rules.rebalance.includes(t.topic));
    if (!spread && !(rules.drain && off.length > 0)) continue;
    const rf = Math.max(...t.partitions.map((p) => p.replicas.length));
    const next = reassign(t.partitions, rules.brokers, Math.min(rf, rules.brokers.length));
    const changed = new Map<number, number[]>();
    for (const p of t.partitions) {
      const to = next.get(p.partition)!;
      // Only a spread topic moves replicas between listed brokers; a drained one only off the others.
      const needed = spread ? !sameList(to, p.replicas) : p.replicas.some((r) => !listed.has(r));
      if (needed) changed.set(p.partition, to);
    }
    if (changed.size > 0) moves.set(t.topic, changed);
  }
  return { moves, stranded };
}

/** Brokers in `recorded` (the last up's replicas per broker) that hold replicas and are not listed now. */
export function removedWithReplicas(
  recorded: Record<string, number> | undefined,
  brokers: readonly number[],
): string[] {
  return Object.entries(recorded ?? {})
    .filter(([id, n]) => n > 0 && !brokers.includes(Number(id)))
    .map(([id, n]) => `broker ${id} (${n} replica${n === 1 ? "" : "s"})`);
}
