// Reading a topic from the cluster: whether it exists, its partitions, and
// the wait until every partition has a leader and a full ISR.
//
// kafkajs is loaded patched (lib/kafkajs): a partition without a leader reads
// as leader -1 instead of failing the whole metadata answer, so an offline
// partition is seen here as what it is, and nothing swallows errors for it.
import type { ITopicMetadata } from "kafkajs";
import { TopicError } from "../../lib/errors";
import { done, notYet, pollUntil } from "../../lib/poll";
import type { TopicSpec } from "../spec";
import type { TopicAdmin } from "./admin-pool";
import { topicOverrides } from "./config";
import { onTimeout } from "./errors";

/** The broker's answer for a topic it does not know (not created, deleted, or not reached it yet). */
const unknownTopic = (err: unknown): boolean => (err as { type?: string }).type === "UNKNOWN_TOPIC_OR_PARTITION";

/** Metadata for one topic, or undefined when the broker asked does not know it. */
export async function topicMetadata(admin: TopicAdmin, topic: string): Promise<ITopicMetadata | undefined> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics.find((t) => t.name === topic);
  } catch (err) {
    if (unknownTopic(err)) return undefined;
    throw err;
  }
}

/**
 * Waits until the topic has `partitions` partitions, each with a leader and a
 * full ISR of `rf` replicas. A failed read is tried again: right after a
 * create or a partition change the brokers are still catching up.
 */
export async function waitHealthy(
  admin: TopicAdmin,
  topic: string,
  partitions: number,
  rf: number,
  timeoutMs: number,
): Promise<void> {
  const attempt = async () => {
    const md = await topicMetadata(admin, topic).catch(() => undefined);
    if (!md) return notYet();
    const bad = md.partitions.filter((p) => p.leader < 0 || p.replicas.length !== rf || p.isr.length !== rf);
    if (md.partitions.length === partitions && bad.length === 0) return done(undefined);
    return notYet(`${md.partitions.length} partitions, ${bad.length} without a leader or a full ISR of ${rf}`);
  };
  await pollUntil(attempt, { timeoutMs, what: `topic ${JSON.stringify(topic)} to be healthy` }).catch(
    onTimeout((t) => new TopicError(topic, `not healthy after ${timeoutMs} ms (saw ${t.last || "no metadata"})`, true)),
  );
}

/**
 * Whether the topic exists, from a metadata request for that topic alone:
 * listing every topic costs time in proportion to the topics the cluster
 * has, and a deployment of many topics asks once per topic.
 */
export async function topicExists(admin: TopicAdmin, topic: string): Promise<boolean> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    if (topics.some((t) => t.name === topic)) return true;
  } catch (err) {
    if (unknownTopic(err)) return false;
  }
  // Any other answer (kafkajs can fail oddly while topics are deleted around it): the full listing decides.
  return (await admin.listTopics()).includes(topic);
}

/** An existing topic as a spec: its partitions, replication factor and the overrides of the declared keys. */
export async function existingSpec(admin: TopicAdmin, declared: TopicSpec): Promise<TopicSpec | undefined> {
  const md = await topicMetadata(admin, declared.name);
  if (!md) return undefined;
  const overrides = await topicOverrides(admin, declared.name);
  const config: Record<string, string> = {};
  for (const k of Object.keys(declared.config)) if (k in overrides) config[k] = overrides[k];
  return {
    name: declared.name,
    partitions: md.partitions.length,
    replicationFactor: Math.max(...md.partitions.map((p) => p.replicas.length)),
    config,
  };
}
