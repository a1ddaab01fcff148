// The changes the provider makes to a topic in the cluster: create and
// delete (in shared requests), and a replication factor change by reassignment.
import type { Admin, ITopicConfig } from "kafkajs";
import { reassign } from "../assignment";
import { clusterFacts } from "./cluster-facts";
import { kafkaErrorText, topicError } from "./errors";
import { topicMetadata, waitHealthy } from "./metadata";
import { BROKER_TIMEOUT_MS, brokersStarting, sharedRequest } from "./shared-request";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An error a topic's own creation or deletion answered with, if kafkajs said which topic. */
const topicErrorsOf = (err: unknown): Array<{ topic: string; type?: string }> | undefined => {
  const errors = (err as { errors?: Array<{ topic?: unknown; type?: string }> }).errors;
  return errors?.length && errors.every((e) => typeof e.topic === "string") ? (errors as Array<{ topic: string; type?: string }>) : undefined;
};

/**
 * Creates the topic (see sharedRequest). A topic that already exists counts
 * as made, as kafkajs counts it (create() looked first); one the broker was
 * still making when it answered is waited for by the caller.
 */
export function createTopicShared(admin: Admin, topic: ITopicConfig): Promise<void> {
  return sharedRequest("create", admin, topic.topic, topic, async (a, topics) => {
    try {
      await a.createTopics({ waitForLeaders: false, timeout: BROKER_TIMEOUT_MS, topics });
      return new Map();
    } catch (err) {
      const perTopic = topicErrorsOf(err);
      if (!perTopic) throw err;
      return new Map(perTopic.filter((e) => e.type !== "TOPIC_ALREADY_EXISTS" && e.type !== "REQUEST_TIMED_OUT").map((e) => [e.topic, topicError(e.topic, `the brokers refused to create it: ${kafkaErrorText(e)}`, false)]));
    }
  });
}

/** Deletes the topic (see sharedRequest). One already gone, or still being deleted when the broker answered, is no error: the caller waits until it is gone. */
export function deleteTopicShared(admin: Admin, topic: string): Promise<void> {
  const harmless = (err: unknown): boolean => ["REQUEST_TIMED_OUT", "UNKNOWN_TOPIC_OR_PARTITION"].includes((err as { type?: string }).type ?? "");
  return sharedRequest("delete", admin, topic, topic, async (a, topics) => {
    const failed = new Map<string, unknown>();
    const record = (t: string, err: unknown): void => {
      if (!harmless(err)) failed.set(t, topicError(t, `the brokers refused to delete it: ${kafkaErrorText(err)}`, false));
    };
    try {
      await a.deleteTopics({ topics, timeout: BROKER_TIMEOUT_MS });
    } catch (err) {
      if (brokersStarting(err)) throw err;
      if (topics.length === 1) record(topics[0]!, err);
      // kafkajs reports the first failed topic's error without its name: each again on its own.
      else for (const t of topics) await a.deleteTopics({ topics: [t], timeout: BROKER_TIMEOUT_MS }).catch((e: unknown) => record(t, e));
    }
    return failed;
  });
}

export async function changeReplicationFactor(admin: Admin, topic: string, rf: number, timeoutMs: number): Promise<void> {
  const md = await topicMetadata(admin, topic);
  if (!md) throw topicError(topic, "cannot read its partitions to reassign them (a partition without a leader?)", true);
  const { brokers } = await clusterFacts(admin, 0); // where replicas go: no cached answer
  const assignment = reassign(
    md.partitions.map((p) => ({ partition: p.partitionId, replicas: p.replicas, leader: p.leader >= 0 ? p.leader : null })),
    brokers,
    rf,
  );
  await admin.alterPartitionReassignments({
    topics: [{ topic, partitionAssignment: [...assignment].map(([partition, replicas]) => ({ partition, replicas })) }],
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { topics } = await admin.listPartitionReassignments({ topics: [{ topic, partitions: [...assignment.keys()] }] });
    if (topics.every((t) => t.partitions.length === 0)) break;
    if (Date.now() > deadline) throw topicError(topic, `reassignment to replication factor ${rf} not complete after ${timeoutMs} ms`, true);
    await sleep(200);
  }
  await waitHealthy(admin, topic, md.partitions.length, rf, timeoutMs);
}
