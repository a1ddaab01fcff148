// What the cluster says about itself that decides whether a topic can be
// placed: the live brokers and their default min.insync.replicas.
import { PollTimeoutError, done, notYet, pollUntil } from "../../lib/poll";
import type { TopicAdmin } from "./admin-pool";

const BROKER_RESOURCE = 4;

export interface ClusterFacts {
  readonly brokers: number[];
  readonly defaultMinIsr?: number;
}

const cache = new WeakMap<TopicAdmin, { at: number; facts: Promise<ClusterFacts> }>();

/**
 * The live brokers and their default min ISR. An answer up to maxAgeMs old
 * is reused (and one in flight shared): a deployment checks and creates many
 * topics at once, and they need not each ask again.
 */
export async function clusterFacts(admin: TopicAdmin, maxAgeMs = 5_000): Promise<ClusterFacts> {
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
 * once waitMs has passed: the last answer is returned then.
 */
export async function clusterFactsWith(admin: TopicAdmin, brokers: number, waitMs: number): Promise<ClusterFacts> {
  let last: ClusterFacts | undefined;
  const attempt = async () => {
    last = await clusterFacts(admin, last ? 0 : undefined); // the first may be cached, the next are fresh
    return last.brokers.length >= brokers ? done(last) : notYet(`${last.brokers.length} live brokers`);
  };
  const opts = { timeoutMs: waitMs, intervalMs: 250, what: `${brokers} live brokers` };
  return pollUntil(attempt, opts).catch((err: unknown) => {
    if (err instanceof PollTimeoutError && last) return last;
    throw err;
  });
}

/** Exported for tests. */
export async function readClusterFacts(
  admin: Pick<TopicAdmin, "describeCluster" | "describeConfigs">,
): Promise<ClusterFacts> {
  const { brokers } = await admin.describeCluster();
  const ids = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  // A broker that has just started can answer before it knows any broker
  // (kafkajs then fails to look up broker "undefined"): no brokers yet.
  if (ids.length === 0) return { brokers: [] };
  const { resources } = await admin.describeConfigs({
    resources: [{ type: BROKER_RESOURCE, name: String(ids[0]), configNames: ["min.insync.replicas"] }],
    includeSynonyms: false,
  });
  const v = resources[0]?.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue;
  return { brokers: ids, ...(v !== undefined ? { defaultMinIsr: Number(v) } : {}) };
}
