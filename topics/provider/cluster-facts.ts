// What the cluster says about itself that decides whether a topic can be
// placed: the live brokers and their default min.insync.replicas.
import type { Admin } from "kafkajs";

const BROKER_RESOURCE = 4;

export interface ClusterFacts {
  readonly brokers: number[];
  readonly defaultMinIsr?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The live brokers and their default min ISR. An answer up to maxAgeMs old
 * is reused (and one in flight shared): a deployment checks and creates many
 * topics at once, and they need not each ask again.
 */
export async function clusterFacts(admin: Admin, maxAgeMs = 5_000): Promise<ClusterFacts> {
  const cache = ((globalThis as { kafkaClusterTopicFacts?: WeakMap<Admin, { at: number; facts: Promise<ClusterFacts> }> }).kafkaClusterTopicFacts ??= new WeakMap());
  const hit = cache.get(admin);
  if (hit && Date.now() - hit.at <= maxAgeMs) return hit.facts;
  const facts = readClusterFacts(admin);
  cache.set(admin, { at: Date.now(), facts });
  facts.catch(() => cache.get(admin)?.facts === facts && cache.delete(admin));
  return facts;
}

/**
 * Cluster facts with at least `brokers` live brokers, asking again for up to
 * waitMs: a broker that has just registered in ZooKeeper reaches the other
 * brokers' metadata a moment later, and a topic declared with the cluster
 * must not be refused in that moment. A broker that is really down still is,
 * once waitMs has passed.
 */
export async function clusterFactsWith(admin: Admin, brokers: number, waitMs: number): Promise<ClusterFacts> {
  const deadline = Date.now() + waitMs;
  let facts = await clusterFacts(admin);
  while (facts.brokers.length < brokers && Date.now() < deadline) {
    await sleep(250);
    facts = await clusterFacts(admin, 0);
  }
  return facts;
}

/** Exported for tests. */
export async function readClusterFacts(admin: Pick<Admin, "describeCluster" | "describeConfigs">): Promise<ClusterFacts> {
  const { brokers } = await admin.describeCluster();
  const ids = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  // A broker that has just started can answer before it knows any broker
  // (kafkajs then fails to look up broker "undefined"): no brokers yet.
  if (ids.length === 0) return { brokers: [] };
  const { resources } = await admin.describeConfigs({ resources: [{ type: BROKER_RESOURCE, name: String(ids[0]), configNames: ["min.insync.replicas"] }], includeSynonyms: false });
  const v = resources[0]?.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue;
  return { brokers: ids, ...(v !== undefined ? { defaultMinIsr: Number(v) } : {}) };
}
