// Reading a topic from the cluster: whether it exists, its partitions, and
// the wait until every partition has a leader and a full ISR.
import type { Admin, ITopicMetadata } from "kafkajs";
import type { TopicSpec } from "../spec";
import { topicOverrides } from "./config";
import { topicError } from "./errors";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Metadata for one topic, or undefined when it does not exist or is not readable yet. */
export async function topicMetadata(admin: Admin, topic: string): Promise<ITopicMetadata | undefined> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0];
  } catch {
    // kafkajs throws on any partition error (e.g. LEADER_NOT_AVAILABLE)
    return undefined;
  }
}

/** Waits until the topic has `partitions` partitions, each with a leader and a full ISR of `rf` replicas. */
export async function waitHealthy(admin: Admin, topic: string, partitions: number, rf: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = "no metadata";
  for (;;) {
    const md = await topicMetadata(admin, topic);
    if (md) {
      const bad = md.partitions.filter((p) => p.leader < 0 || p.replicas.length !== rf || p.isr.length !== rf);
      seen = `${md.partitions.length} partitions, ${bad.length} without a leader or a full ISR of ${rf}`;
      if (md.partitions.length === partitions && bad.length === 0) return;
    }
    if (Date.now() > deadline) throw topicError(topic, `not healthy after ${timeoutMs} ms (saw ${seen})`, true);
    await sleep(200);
  }
}

/**
 * Whether the topic exists, from a metadata request for that topic alone:
 * listing every topic costs time in proportion to the topics the cluster
 * has, and a deployment of many topics asks once per topic.
 */
export async function topicExists(admin: Admin, topic: string): Promise<boolean> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    if (topics.some((t) => t.name === topic)) return true;
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === "UNKNOWN_TOPIC_OR_PARTITION") return false;
    if (type === "LEADER_NOT_AVAILABLE") return true; // being created or moved: it exists
  }
  // Any other answer (kafkajs can fail oddly while topics are deleted around it): the full listing decides.
  return (await admin.listTopics()).includes(topic);
}

/** An existing topic as a spec: its partitions, replication factor and the overrides of the declared keys. */
export async function existingSpec(admin: Admin, declared: TopicSpec): Promise<TopicSpec | undefined> {
  const md = await topicMetadata(admin, declared.name);
  if (!md) return undefined;
  const overrides = await topicOverrides(admin, declared.name);
  const config: Record<string, string> = {};
  for (const k of Object.keys(declared.config)) if (k in overrides) config[k] = overrides[k];
  return { name: declared.name, partitions: md.partitions.length, replicationFactor: Math.max(...md.partitions.map((p) => p.replicas.length)), config };
}
