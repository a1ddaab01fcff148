// Pure: prints observed topics the way Kafka 3.9's `kafka-topics.sh --describe`
// (org.apache.kafka.tools.TopicCommand) does, with its filter flags and their
// meanings. No network code here; topics/observe.ts gathers the state.

export interface PartitionReassignmentState {
  /** The full replica set during the move (target plus replicas being removed). */
  readonly replicas: readonly number[];
  readonly adding: readonly number[];
  readonly removing: readonly number[];
}

export interface PartitionState {
  readonly partition: number;
  /** null when the partition has no leader (offline). */
  readonly leader: number | null;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** Present while a reassignment of this partition is in progress. */
  readonly reassignment?: PartitionReassignmentState;
}

export interface ConfigEntryState {
  readonly name: string;
  /** null for a sensitive value the broker does not return. */
  readonly value: string | null;
  /** Kafka's ConfigEntry.isDefault(): the source is DEFAULT_CONFIG. Static broker settings are not defaults. */
  readonly isDefault: boolean;
}

export interface TopicState {
  readonly name: string;
  /** Omitted when unknown, as TopicCommand omits a zero topic id. */
  readonly topicId?: string;
  readonly partitions: readonly PartitionState[];
  /** Every config entry of the topic, in the broker's response order. */
  readonly configs: readonly ConfigEntryState[];
}

/** TopicCommand's report flags; several are OR'ed, any one hides the header lines. */
export interface DescribeFilters {
  /** --under-replicated-partitions: ISR smaller than the replication factor. */
  readonly underReplicated?: boolean;
  /** --under-min-isr-partitions: no leader, or ISR below the topic's min.insync.replicas. */
  readonly underMinIsr?: boolean;
  /** --at-min-isr-partitions: ISR exactly min.insync.replicas. */
  readonly atMinIsr?: boolean;
  /** --unavailable-partitions: no leader, or a leader that is not a live broker. */
  readonly unavailable?: boolean;
}

/** java.lang.String.hashCode(): UTF-16 code units, 32-bit wrap-around. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The table size of a default java.util.HashMap after `size` puts (16, doubled past a 0.75 load). */
export function javaHashMapCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/**
 * The iteration order of a default java.util.HashMap filled with these keys
 * in this order: by bucket (the spread hash masked to the table size), then
 * by insertion within a bucket. TopicCommand prints a topic's Configs from
 * such a map (the admin client's Config), so this is the order it shows.
 */
export function javaHashMapOrder<T>(
  items: readonly T[],
  key: (item: T) => string,
  capacity = javaHashMapCapacity(items.length),
): T[] {
  const mask = capacity - 1;
  const bucket = (k: string): number => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & mask;
  };
  return items
    .map((item, index) => ({ item, index, bucket: bucket(key(item)) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((x) => x.item);
}

/**
 * The order in which TopicCommand prints several topics: it lists them by
 * name, and the admin client hands the descriptions back through a HashMap
 * copied from the request's (`new HashMap<>(map)`, then `new HashMap<>(n)`).
 * The copy's table size is Java 17's (`n / 0.75 + 1`; Java 19+ sizes it
 * `ceil(n / 0.75)`, which can change the order). Checked against
 * TopicCommand's output in the describe integration test.
 */
export function topicCommandOrder(names: readonly string[]): string[] {
  const n = names.length;
  const grown = (capacity: number): number => {
    let c = capacity;
    while (n > c * 0.75) c *= 2;
    return c;
  };
  const tableSizeFor = (wanted: number): number => {
    let c = 1;
    while (c < wanted) c *= 2;
    return c;
  };
  const copied = javaHashMapOrder([...names].sort(), (k) => k, grown(tableSizeFor(Math.floor(n / 0.75 + 1))));
  return javaHashMapOrder(copied, (k) => k, grown(tableSizeFor(n)));
}

const ids = (list: readonly number[]): string => list.join(",");

/** True while any replica of the partition is still being added or removed (TopicCommand.isReassignmentInProgress). */
function reassigning(p: PartitionState): boolean {
  const r = p.reassignment;
  if (!r) return false;
  const changing = new Set([...r.adding, ...r.removing]);
  return p.replicas.some((id) => changing.has(id));
}

/** The replication factor, not counting replicas being added by a reassignment. */
export function replicationFactor(p: PartitionState): number {
  return reassigning(p) && p.reassignment
    ? p.reassignment.replicas.length - p.reassignment.adding.length
    : p.replicas.length;
}

/** The topic's effective min.insync.replicas (its own, the broker's or Kafka's default of 1). */
export function minIsr(topic: TopicState): number {
  const v = topic.configs.find((c) => c.name === "min.insync.replicas")?.value;
  return v == null ? 1 : Number(v);
}

export const isUnderReplicated = (p: PartitionState): boolean => replicationFactor(p) > p.isr.length;
export const isUnderMinIsr = (p: PartitionState, min: number): boolean => p.leader === null || p.isr.length < min;
export const isAtMinIsr = (p: PartitionState, min: number): boolean => p.isr.length === min;
export const isUnavailable = (p: PartitionState, liveBrokers: ReadonlySet<number>): boolean =>
  p.leader === null || !liveBrokers.has(p.leader);

export function anyFilter(f: DescribeFilters): boolean {
  return Boolean(f.underReplicated || f.underMinIsr || f.atMinIsr || f.unavailable);
}

/** Whether TopicCommand prints this partition's line under these filters. */
export function partitionSelected(
  topic: TopicState,
  p: PartitionState,
  liveBrokers: ReadonlySet<number>,
  f: DescribeFilters,
): boolean {
  if (!anyFilter(f)) return true;
  const min = minIsr(topic);
  return Boolean(
    (f.underReplicated && isUnderReplicated(p)) ||
    (f.unavailable && isUnavailable(p, liveBrokers)) ||
    (f.underMinIsr && isUnderMinIsr(p, min)) ||
    (f.atMinIsr && isAtMinIsr(p, min)),
  );
}

/** The header line: `Topic: t\tTopicId: id\tPartitionCount: n\tReplicationFactor: rf\tConfigs: k=v,...`. */
export function topicHeader(topic: TopicState): string {
  const sorted = sortedPartitions(topic);
  const configs = javaHashMapOrder(topic.configs, (c) => c.name)
    .filter((c) => !c.isDefault)
    .map((c) => `${c.name}=${c.value ?? "null"}`)
    .join(",");
  return [
    `Topic: ${topic.name}`,
    ...(topic.topicId ? [`TopicId: ${topic.topicId}`] : []),
    `PartitionCount: ${topic.partitions.length}`,
    `ReplicationFactor: ${sorted.length ? replicationFactor(sorted[0]) : 0}`,
    `Configs: ${configs}`,
  ].join("\t");
}

/**
 * One partition line. ELR (eligible leader replicas) exists only in KRaft
 * mode; on a ZooKeeper cluster TopicCommand prints N/A for both fields.
 */
export function partitionLine(topic: string, p: PartitionState): string {
  const fields = [
    `Topic: ${topic}`,
    `Partition: ${p.partition}`,
    `Leader: ${p.leader ?? "none"}`,
    `Replicas: ${ids(p.replicas)}`,
    `Isr: ${ids(p.isr)}`,
    ...(p.reassignment
      ? [`Adding Replicas: ${ids(p.reassignment.adding)}`, `Removing Replicas: ${ids(p.reassignment.removing)}`]
      : []),
    "Elr: N/A",
    "LastKnownElr: N/A",
  ];
  return `\t${fields.join("\t")}`;
}

function sortedPartitions(topic: TopicState): PartitionState[] {
  return [...topic.partitions].sort((a, b) => a.partition - b.partition);
}

/**
 * The lines `kafka-topics.sh --describe` prints for these topics, in
 * TopicCommand's order. Without filters: each topic's header then all its
 * partitions; with filters: only the selected partitions, no headers.
 */
export function describeLines(
  topics: readonly TopicState[],
  liveBrokers: readonly number[],
  filters: DescribeFilters = {},
): string[] {
  const live = new Set(liveBrokers);
  const byName = new Map(topics.map((t) => [t.name, t]));
  const lines: string[] = [];
  for (const name of topicCommandOrder([...byName.keys()])) {
    const topic = byName.get(name)!;
    if (!anyFilter(filters)) lines.push(topicHeader(topic));
    for (const p of sortedPartitions(topic)) {
      if (partitionSelected(topic, p, live, filters)) lines.push(partitionLine(topic.name, p));
    }
  }
  return lines;
}
