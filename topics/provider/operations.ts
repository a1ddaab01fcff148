// The changes the provider makes to a topic in the cluster: create and
// delete (in shared requests), and a replication factor change by reassignment.
import type { ITopicConfig } from "kafkajs";
import { TopicError } from "../../lib/errors";
import { waitFor } from "../../lib/poll";
import { reassign } from "../assignment";
import type { TopicAdmin } from "./admin-pool";
import { clusterFacts } from "./cluster-facts";
import { kafkaErrorText, onTimeout } from "./errors";
import { topicExists, topicMetadata, waitHealthy } from "./metadata";
import { BROKER_TIMEOUT_MS, brokersStarting, sharedRequest } from "./shared-request";

type KafkaTopicError = { topic: string; type?: string };

/** The errors of the topics' own creation or deletion, if kafkajs said which topic each is for. */
const topicErrorsOf = (err: unknown): KafkaTopicError[] | undefined => {
  const errors = (err as { errors?: Array<{ topic?: unknown; type?: string }> }).errors;
  return errors?.length && errors.every((e) => typeof e.topic === "string") ? (errors as KafkaTopicError[]) : undefined;
};

/**
 * Creates the topic (see sharedRequest). A topic that already exists counts
 * as made, as kafkajs counts it (create() looked first); one the broker was
 * still making when it answered is waited for by the caller.
 */
export function createTopicShared(admin: TopicAdmin, topic: ITopicConfig): Promise<void> {
  return sharedRequest("create", admin, topic.topic, topic, async (a, topics) => {
    try {
      await a.createTopics({ waitForLeaders: false, timeout: BROKER_TIMEOUT_MS, topics });
      return new Map();
    } catch (err) {
      const perTopic = topicErrorsOf(err);
      if (!perTopic) throw err;
      const refused = perTopic.filter((e) => e.type !== "TOPIC_ALREADY_EXISTS" && e.type !== "REQUEST_TIMED_OUT");
      const refusal = (e: KafkaTopicError): TopicError =>
        new TopicError(e.topic, `the brokers refused to create it: ${kafkaErrorText(e)}`, false);
      return new Map(refused.map((e) => [e.topic, refusal(e)]));
    }
  });
}

/**
 * Deletes the topic (see sharedRequest). One already gone, or still being
 * deleted when the broker answered, is no error: the caller waits until it is gone.
 */
export function deleteTopicShared(admin: TopicAdmin, topic: string): Promise<void> {
  const harmless = (err: unknown): boolean =>
    ["REQUEST_TIMED_OUT", "UNKNOWN_TOPIC_OR_PARTITION"].includes((err as { type?: string }).type ?? "");
  return sharedRequest("delete", admin, topic, topic, async (a, topics) => {
    const failed = new Map<string, unknown>();
    const record = (t: string, err: unknown): void => {
      if (harmless(err)) return;
      failed.set(t, new TopicError(t, `the brokers refused to delete it: ${kafkaErrorText(err)}`, false));
    };
    try {
      await a.deleteTopics({ topics, timeout: BROKER_TIMEOUT_MS });
    } catch (err) {
      if (brokersStarting(err)) throw err;
      if (topics.length === 1) record(topics[0]!, err);
      // kafkajs reports the first failed topic's error without its name: each again on its own.
      else {
        for (const t of topics) {
          await a.deleteTopics({ topics: [t], timeout: BROKER_TIMEOUT_MS }).catch((e: unknown) => record(t, e));
        }
      }
    }
    return failed;
  });
}

/** Deletes the topic and waits until the brokers no longer list it. */
export async function deleteTopic(admin: TopicAdmin, topic: string, timeoutMs: number): Promise<void> {
  await deleteTopicShared(admin, topic);
  await waitFor(async () => !(await topicExists(admin, topic)), { timeoutMs, what: `topic ${topic} to be gone` }).catch(
    onTimeout(() => new TopicError(topic, `still listed ${timeoutMs} ms after deletion`, true)),
  );
}

/**
 * Moves the topic's replicas to `rf` per partition (topics/assignment), then
 * waits for the reassignment and a full ISR. A partition without a leader is
 * refused: it has no replica to copy from, so the reassignment would never end.
 */
export async function changeReplicationFactor(
  admin: TopicAdmin,
  topic: string,
  rf: number,
  timeoutMs: number,
): Promise<void> {
  const md = await topicMetadata(admin, topic);
  if (!md || md.partitions.some((p) => p.leader < 0)) {
    throw new TopicError(topic, "cannot read its partitions to reassign them (a partition without a leader?)", true);
  }
  const { brokers } = await clusterFacts(admin, 0); // where replicas go: no cached answer
  const replicas = md.partitions.map((p) => ({ partition: p.partitionId, replicas: p.replicas, leader: p.leader }));
  const assignment = reassign(replicas, brokers, rf);
  await admin.alterPartitionReassignments({
    topics: [{ topic, partitionAssignment: [...assignment].map(([partition, replicas]) => ({ partition, replicas })) }],
  });
  const partitions = [...assignment.keys()];
  const reassigned = async (): Promise<boolean> => {
    const { topics } = await admin.listPartitionReassignments({ topics: [{ topic, partitions }] });
    return topics.every((t) => t.partitions.length === 0);
  };
  const incomplete = `reassignment to replication factor ${rf} not complete after ${timeoutMs} ms`;
  await waitFor(reassigned, { timeoutMs, what: `the reassignment of topic ${topic}` }).catch(
    onTimeout(() => new TopicError(topic, incomplete, true)),
  );
  await waitHealthy(admin, topic, md.partitions.length, rf, timeoutMs);
}
