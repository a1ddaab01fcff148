// The changes the provider makes to a topic in the cluster: create and
// delete (in shared requests), and a replication factor change by reassignment.
import type { ITopicConfig } from "kafkajs";
import { TopicError } from "../../lib/errors";
import { PollTimeoutError, waitFor } from "../../lib/poll";
import { reassign } from "../assignment";
import type { TopicAdmin } from "./admin-pool";
import { clusterFacts } from "./cluster-facts";
import { recordedRefusals, topicRefusalsOf, type TopicRefusal } from "./create-answer";
import { kafkaErrorText, onTimeout } from "./errors";
import { topicExists, topicMetadata, waitHealthy } from "./metadata";
import { BROKER_TIMEOUT_MS, brokersStarting, sharedRequest } from "./shared-request";

/** The refusal a caller gets for its topic: one that existed before is someone else's, never adopted by accident. */
function refusal(e: TopicRefusal): TopicError {
  if (e.type === "TOPIC_ALREADY_EXISTS") {
    return new TopicError(
      e.topic,
      "already exists in the cluster: something else created it after this run checked for it. It is not adopted " +
        "(and never deleted) by accident; to manage it, add `import: true` to its entry in kafka-cluster:topics.",
      false,
    );
  }
  return new TopicError(e.topic, `the brokers refused to create it: ${kafkaErrorText(e)}`, false);
}

/**
 * Creates the topic (see sharedRequest), resolving only when this request
 * made it: the broker created it, or was still creating it when it answered
 * (REQUEST_TIMED_OUT; the caller waits for it). A topic that already existed
 * is an error: only what this call made may be cleaned up. A request that
 * failed as a whole rejects with kafkajs's error: whether the brokers made
 * the topic is unknown then.
 */
export function createTopicShared(admin: TopicAdmin, topic: ITopicConfig): Promise<void> {
  return sharedRequest("create", admin, topic.topic, topic, async (a, topics) => {
    let refused: TopicRefusal[] = [];
    try {
      const made = await a.createTopics({ waitForLeaders: false, timeout: BROKER_TIMEOUT_MS, topics });
      // false: kafkajs's answer when every refusal was TOPIC_ALREADY_EXISTS (create-answer.ts says which).
      if (made === false) {
        refused = recordedRefusals(topics) ?? topics.map((t) => ({ topic: t.topic, type: "TOPIC_ALREADY_EXISTS" }));
      }
    } catch (err) {
      const perTopic = topicRefusalsOf(err);
      if (!perTopic) throw err;
      refused = perTopic;
    }
    return new Map(refused.filter((e) => e.type !== "REQUEST_TIMED_OUT").map((e) => [e.topic, refusal(e)]));
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
 * A reassignment that does not finish in time is cancelled (cancelReassignment),
 * so the next `up` starts from the topic as it was.
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
  const finished = await waitFor(reassigned, { timeoutMs, what: `the reassignment of topic ${topic}` }).then(
    () => true,
    (err: unknown) => {
      if (err instanceof PollTimeoutError) return false;
      throw err;
    },
  );
  if (!finished)
    throw new TopicError(topic, `${incomplete}, ${await cancelReassignment(admin, topic, replicas)}`, true);
  await waitHealthy(admin, topic, md.partitions.length, rf, timeoutMs);
}

/**
 * Cancels an unfinished reassignment. kafkajs 2.2.4 cannot send Kafka's
 * cancel (null replicas: its admin refuses them and its encoder cannot write
 * them), so this asks for each partition's replicas as they were, which is
 * what a cancel does in the controller: those replicas are still in sync, so
 * it ends at once, and the replicas being added are dropped. Returns what
 * happened, in words, for the error; when it fails, the command that cancels it.
 */
async function cancelReassignment(
  admin: TopicAdmin,
  topic: string,
  before: ReadonlyArray<{ partition: number; replicas: number[] }>,
): Promise<string> {
  try {
    await admin.alterPartitionReassignments({
      topics: [{ topic, partitionAssignment: before.map(({ partition, replicas }) => ({ partition, replicas })) }],
    });
    return "cancelled: the partitions keep their replicas as they were, and the next `up` starts the change again";
  } catch (err) {
    const file = JSON.stringify({
      version: 1,
      partitions: before.map(({ partition, replicas }) => ({ topic, partition, replicas })),
    });
    return (
      `and cancelling it failed (${kafkaErrorText(err)}): it may still be running. To cancel it, write ${file} to ` +
      "reassignment.json and run kafka-reassign-partitions.sh --bootstrap-server <bootstrapServers> " +
      "--reassignment-json-file reassignment.json --cancel"
    );
  }
}
