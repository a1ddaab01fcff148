// Pure: what a partition's replicas and in-sync set say about restarting one
// broker. The gate follows Strimzi's KafkaRoller (canRoll): a broker may stop
// only when every partition it hosts keeps at least min.insync.replicas in
// sync without it. Serialized with the process providers: no requires.

export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** The assigned replicas, the preferred leader first. */
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** -1 when the partition has no leader. */
  readonly leader: number;
  /** The topic's min.insync.replicas (its override, else the cluster's). */
  readonly minIsr: number;
}

export const partitionName = (p: PartitionState): string => `${p.topic}-${p.partition}`;

/** e.g. `Hello-Kafka-0 (in sync 1,3 of 1,2,3; min.insync.replicas 2)`. */
export const describePartition = (p: PartitionState): string =>
  `${partitionName(p)} (in sync ${p.isr.join(",") || "none"} of ${p.replicas.join(",")}; min.insync.replicas ${p.minIsr})`;

/**
 * The partitions that stopping `brokerId` would take below min.insync.replicas
 * (or that are below it already and wait on this broker). A partition whose
 * replication factor is not above its min.insync.replicas cannot survive any
 * restart: it never holds the roll.
 */
export function blockingPartitions(parts: readonly PartitionState[], brokerId: number): PartitionState[] {
  return parts.filter((p) => {
    if (!p.replicas.includes(brokerId) || p.replicas.length <= p.minIsr) return false;
    if (p.isr.length < p.minIsr) return true;
    return p.isr.length === p.minIsr && p.isr.includes(brokerId);
  });
}

/** The partitions hosted on `brokerId` that it is not in sync for. */
export function outOfSync(parts: readonly PartitionState[], brokerId: number): PartitionState[] {
  return parts.filter((p) => p.replicas.includes(brokerId) && !p.isr.includes(brokerId));
}

/** Partitions led by a broker other than their preferred leader, which is in sync and could lead. */
export function nonPreferredLeaders(parts: readonly PartitionState[]): PartitionState[] {
  return parts.filter((p) => p.replicas.length > 0 && p.leader !== p.replicas[0] && p.isr.includes(p.replicas[0]!));
}

/** At most `max` partitions described, and how many more. */
export function listPartitions(parts: readonly PartitionState[], max = 10): string {
  const shown = parts.slice(0, max).map(describePartition).join(", ");
  return parts.length > max ? `${shown} and ${parts.length - max} more` : shown;
}
