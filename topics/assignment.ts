// Pure: the replica assignment for a replication factor change. Replicas are
// spread evenly over the brokers, existing replicas are kept where possible
// (less data to copy), and each partition's current leader stays its first,
// preferred replica, so leadership does not move.

export interface PartitionReplicas {
  readonly partition: number;
  /** Current replicas, in assignment order. */
  readonly replicas: readonly number[];
  /** Current leader, or null when offline. */
  readonly leader: number | null;
}

/**
 * New replica lists for `replicationFactor` over `brokers`. Throws when the
 * factor is above the broker count.
 */
export function reassign(
  partitions: readonly PartitionReplicas[],
  brokers: readonly number[],
  replicationFactor: number,
): Map<number, number[]> {
  if (replicationFactor > brokers.length) {
    throw new Error(
      `replication factor ${replicationFactor} needs ${replicationFactor} brokers; ${brokers.length} are live`,
    );
  }
  const live = new Set(brokers);
  const load = new Map<number, number>(brokers.map((b) => [b, 0]));
  const sorted = [...partitions].sort((a, b) => a.partition - b.partition);

  // First the replicas we keep: the leader, then the others in order, on live brokers.
  const kept = new Map<number, number[]>();
  for (const p of sorted) {
    const ordered =
      p.leader !== null && p.replicas.includes(p.leader)
        ? [p.leader, ...p.replicas.filter((r) => r !== p.leader)]
        : [...p.replicas];
    kept.set(
      p.partition,
      ordered.filter((r) => live.has(r)),
    );
  }
  // Shrinking: drop followers from the most loaded brokers first.
  for (const p of sorted) for (const r of kept.get(p.partition)!) load.set(r, load.get(r)! + 1);
  for (const p of sorted) {
    const replicas = kept.get(p.partition)!;
    while (replicas.length > replicationFactor) {
      const followers = replicas.slice(1);
      const drop = followers.reduce((worst, r) =>
        load.get(r)! > load.get(worst)! || (load.get(r) === load.get(worst) && r > worst) ? r : worst,
      );
      replicas.splice(replicas.indexOf(drop), 1);
      load.set(drop, load.get(drop)! - 1);
    }
  }
  // Growing: add the least loaded brokers, ties broken by a per-partition rotation.
  for (const p of sorted) {
    const replicas = kept.get(p.partition)!;
    while (replicas.length < replicationFactor) {
      const rotation = brokers.map((_, i) => brokers[(i + p.partition) % brokers.length]);
      const candidates = rotation.filter((b) => !replicas.includes(b));
      const pick = candidates.reduce((best, b) => (load.get(b)! < load.get(best)! ? b : best));
      replicas.push(pick);
      load.set(pick, load.get(pick)! + 1);
    }
  }
  rebalance(kept, brokers, new Map(sorted.map((p) => [p.partition, p.replicas])));
  return kept;
}

/**
 * Greedy choices can still leave brokers two or more replicas apart: move a
 * follower from the most to the least loaded broker until they are within
 * one, preferring moves that copy no new data (the least loaded broker
 * already had that replica, or the most loaded one was only just added).
 * When no partition allows that move (the most loaded broker's followers all
 * sit beside the least loaded one), a chain of moves through other brokers
 * does it: each of those gives one replica and takes one.
 */
function rebalance(
  assignment: Map<number, number[]>,
  brokers: readonly number[],
  original: Map<number, readonly number[]>,
): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const counts = new Map<number, number>(brokers.map((b) => [b, 0]));
    for (const r of assignment.values()) for (const b of r) counts.set(b, counts.get(b)! + 1);
    const hi = brokers.reduce((a, b) => (counts.get(b)! > counts.get(a)! ? b : a));
    const lo = brokers.reduce((a, b) => (counts.get(b)! < counts.get(a)! ? b : a));
    if (counts.get(hi)! - counts.get(lo)! <= 1) return;
    const movable = [...assignment.entries()].filter(([, r]) => r.indexOf(hi) > 0 && !r.includes(lo));
    const free = movable.find(([p]) => original.get(p)!.includes(lo) || !original.get(p)!.includes(hi));
    const move = free ?? movable[0];
    if (move) {
      const [, replicas] = move;
      replicas[replicas.indexOf(hi)] = lo;
      continue;
    }
    const chain = moveChain(assignment, brokers, hi, lo);
    if (!chain) return;
    for (const { partition, from, to } of chain) {
      const replicas = assignment.get(partition)!;
      const i = replicas.indexOf(from);
      if (i <= 0 || replicas.includes(to)) return; // a chain that reuses a partition: stop rather than break it
      replicas[i] = to;
    }
  }
}

interface Move {
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

/** The shortest chain of follower moves that takes one replica from `hi` to `lo` (breadth first over brokers). */
function moveChain(
  assignment: Map<number, number[]>,
  brokers: readonly number[],
  hi: number,
  lo: number,
): Move[] | undefined {
  const via = new Map<number, Move>();
  const queue = [hi];
  while (queue.length > 0) {
    const a = queue.shift()!;
    for (const [partition, r] of assignment) {
      if (r.indexOf(a) <= 0) continue;
      for (const b of brokers) {
        if (b === hi || via.has(b) || r.includes(b)) continue;
        via.set(b, { partition, from: a, to: b });
        if (b === lo) {
          const chain: Move[] = [];
          for (let m = via.get(lo); m; m = m.from === hi ? undefined : via.get(m.from)) chain.unshift(m);
          return chain;
        }
        queue.push(b);
      }
    }
  }
  return undefined;
}
