// Moves replicas as the placement rules ask (infra/placement/moves.ts), under
// a replication throttle that is removed afterwards, and waits until every
// move is done; one not done by the deadline is cancelled (each partition
// asked back onto its replicas as they were). Required by BrokerPlacement's
// serialized provider: errors are plain Errors.
import type { Admin } from "kafkajs";
import { pollUntil, done, notYet } from "../../lib/poll";
import { withAdmin } from "../live-apply";
import { placementMoves, replicasByBroker, type PlacementRules, type TopicReplicas } from "./moves";
import { brokersOf, removeThrottle, setThrottle, type ThrottledMove } from "./throttle";

export interface PlacementTarget extends PlacementRules {
  readonly bootstrapServers: string;
  readonly throttleBytesPerSecond: number;
  readonly timeoutMs: number;
}

export interface PlacementResult {
  /** Replicas per broker once done (what a later preview checks a removal against). */
  readonly replicasByBroker: Record<string, number>;
  /** Partitions moved by this apply. */
  readonly moved: number;
}

/** Every topic's replicas, internal topics too: a drained broker must hold none. */
export async function readReplicas(admin: Admin): Promise<TopicReplicas[]> {
  const { topics } = await admin.fetchTopicMetadata();
  return topics.map((t) => ({
    topic: t.name,
    partitions: t.partitions.map((p) => ({ partition: p.partitionId, replicas: p.replicas, leader: p.leader })),
  }));
}

async function reassignments(admin: Admin, moves: readonly ThrottledMove[]): Promise<number> {
  const { topics } = await admin.listPartitionReassignments({
    topics: moves.map((m) => ({ topic: m.topic, partitions: [...m.partitions.keys()] })),
  });
  return topics.reduce((n, t) => n + t.partitions.length, 0);
}

async function send(admin: Admin, moves: readonly ThrottledMove[], side: 0 | 1): Promise<void> {
  await admin.alterPartitionReassignments({
    topics: moves.map((m) => ({
      topic: m.topic,
      partitionAssignment: [...m.partitions].map(([partition, lists]) => ({ partition, replicas: [...lists[side]] })),
    })),
  });
}

async function waitMoved(admin: Admin, moves: readonly ThrottledMove[], timeoutMs: number): Promise<void> {
  try {
    await pollUntil(
      async () => {
        const left = await reassignments(admin, moves);
        return left === 0 ? done(undefined) : notYet(`${left} partition moves in progress`);
      },
      { timeoutMs, intervalMs: 500, what: "the replica moves" },
    );
  } catch (err) {
    await send(admin, moves, 0).catch(() => undefined);
    throw new Error(
      `replica moves not done after ${timeoutMs / 1000} s (kafka-cluster:placement.timeoutSeconds, under ` +
        "kafka-cluster:placement.throttleBytesPerSecond): cancelled, every partition keeps its replicas as " +
        `they were, and the next up starts again (${(err as Error).message})`,
      { cause: err },
    );
  }
}

/** Applies the rules: refuses stranded replicas (no drain), else moves what they ask and reports the result. */
export async function applyPlacement(t: PlacementTarget): Promise<PlacementResult> {
  return withAdmin(t.bootstrapServers, async (admin) => {
    const before = await readReplicas(admin);
    const { moves, stranded } = placementMoves(before, t);
    if (stranded.length > 0) {
      throw new Error(
        `kafka-cluster:hosts: brokers no longer listed still hold replicas (${stranded.slice(0, 10).join(", ")}` +
          `${stranded.length > 10 ? `, and ${stranded.length - 10} more` : ""}); nothing was moved or stopped. ` +
          "Set kafka-cluster:placement.drain: true to move them off first, or list the host again",
      );
    }
    const byTopic = new Map(before.map((tr) => [tr.topic, new Map(tr.partitions.map((p) => [p.partition, p]))]));
    const list: ThrottledMove[] = [...moves].map(([topic, parts]) => ({
      topic,
      partitions: new Map([...parts].map(([p, to]) => [p, [byTopic.get(topic)!.get(p)!.replicas, to] as const])),
    }));
    if (list.length > 0) {
      const count = list.reduce((n, m) => n + m.partitions.size, 0);
      console.log(`moving ${count} partitions under a ${t.throttleBytesPerSecond} B/s replication throttle`);
      await setThrottle(admin, list, t.throttleBytesPerSecond);
      try {
        await send(admin, list, 1);
        await waitMoved(admin, list, t.timeoutMs);
      } finally {
        await removeThrottle(
          admin,
          brokersOf(list),
          list.map((m) => m.topic),
        );
      }
    }
    const after = await readReplicas(admin);
    return { replicasByBroker: replicasByBroker(after), moved: list.reduce((n, m) => n + m.partitions.size, 0) };
  });
}
