// The replication throttle a move runs under, as kafka-reassign-partitions.sh
// sets it: a rate on every broker involved, and on each topic the replicas it
// applies to (leaders: the current replicas; followers: the new ones). kafkajs
// has only AlterConfigs, which replaces a resource's whole set of dynamic
// settings, so each write sends what was there plus the throttle, and the
// removal sends what is there without it. Required by BrokerPlacement's
// serialized provider: config source and resource numbers are literals.
import type { Admin } from "kafkajs";

const RATES = ["leader.replication.throttled.rate", "follower.replication.throttled.rate"];
const REPLICAS = ["leader.replication.throttled.replicas", "follower.replication.throttled.replicas"];

/** The dynamic settings of a broker (type 4, source 2) or topic (type 2, source 1), by name. */
async function dynamicOf(admin: Admin, type: 2 | 4, name: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({ resources: [{ type, name }], includeSynonyms: false });
  const source = type === 4 ? 2 : 1;
  const out: Record<string, string> = {};
  for (const e of resources[0]?.configEntries ?? []) {
    if (e.configSource === source && e.configValue !== null) out[e.configName] = String(e.configValue);
  }
  return out;
}

async function write(admin: Admin, type: 2 | 4, name: string, settings: Record<string, string>): Promise<void> {
  const configEntries = Object.entries(settings).map(([k, value]) => ({ name: k, value }));
  await admin.alterConfigs({ validateOnly: false, resources: [{ type, name, configEntries }] });
}

const without = (settings: Record<string, string>, keys: readonly string[]): Record<string, string> =>
  Object.fromEntries(Object.entries(settings).filter(([k]) => !keys.includes(k)));

export interface ThrottledMove {
  readonly topic: string;
  /** Partition -> [current replicas, new replicas]. */
  readonly partitions: ReadonlyMap<number, readonly [readonly number[], readonly number[]]>;
}

/** `partition:broker` lists of a topic's throttled leaders (current replicas) and followers (new ones). */
export function throttledReplicas(move: ThrottledMove): { leaders: string; followers: string } {
  const leaders: string[] = [];
  const followers: string[] = [];
  for (const [p, [from, to]] of move.partitions) {
    for (const b of from) leaders.push(`${p}:${b}`);
    for (const b of to.filter((x) => !from.includes(x))) followers.push(`${p}:${b}`);
  }
  return { leaders: leaders.join(","), followers: followers.join(",") };
}

/** Every broker a move reads from or writes to. */
export function brokersOf(moves: readonly ThrottledMove[]): number[] {
  const ids = new Set<number>();
  for (const m of moves) for (const [from, to] of m.partitions.values()) for (const b of [...from, ...to]) ids.add(b);
  return [...ids].sort((a, b) => a - b);
}

export async function setThrottle(admin: Admin, moves: readonly ThrottledMove[], bytesPerSecond: number) {
  const rate = String(bytesPerSecond);
  for (const id of brokersOf(moves)) {
    const current = await dynamicOf(admin, 4, String(id));
    await write(admin, 4, String(id), { ...current, [RATES[0]!]: rate, [RATES[1]!]: rate });
  }
  for (const m of moves) {
    const { leaders, followers } = throttledReplicas(m);
    const current = await dynamicOf(admin, 2, m.topic);
    await write(admin, 2, m.topic, { ...current, [REPLICAS[0]!]: leaders, [REPLICAS[1]!]: followers });
  }
}

/** Removes the throttle from the brokers and topics given, keeping every other dynamic setting. */
export async function removeThrottle(admin: Admin, brokerIds: readonly number[], topics: readonly string[]) {
  for (const id of brokerIds) {
    const current = await dynamicOf(admin, 4, String(id));
    if (RATES.some((k) => k in current)) await write(admin, 4, String(id), without(current, RATES));
  }
  for (const topic of topics) {
    const current = await dynamicOf(admin, 2, topic);
    if (REPLICAS.some((k) => k in current)) await write(admin, 2, topic, without(current, REPLICAS));
  }
}
