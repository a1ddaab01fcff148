// Reads every partition's replicas, in-sync set and min.insync.replicas from
// ZooKeeper, the controller's own record in ZooKeeper mode. Serialized with
// the process providers: requires inside functions, no module state.
import { getChildren, getJson, type ZkClient } from "../../lib/zookeeper/client";
import type { PartitionState } from "./partitions";

interface TopicAssignment {
  readonly partitions?: Record<string, number[]>;
}
interface PartitionZkState {
  readonly leader?: number;
  readonly isr?: number[];
}
interface EntityConfig {
  readonly config?: Record<string, string>;
}

/** The cluster's min.insync.replicas: the dynamic default if set, else `fallback` (server.properties). */
async function clusterMinIsr(zk: ZkClient, fallback: number): Promise<number> {
  const dynamic = await getJson<EntityConfig>(zk, "/config/brokers/<default>");
  const value = Number(dynamic?.config?.["min.insync.replicas"]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

async function topicPartitions(zk: ZkClient, topic: string, defaultMinIsr: number): Promise<PartitionState[]> {
  const [assignment, config] = await Promise.all([
    getJson<TopicAssignment>(zk, `/brokers/topics/${topic}`),
    getJson<EntityConfig>(zk, `/config/topics/${topic}`),
  ]);
  const override = Number(config?.config?.["min.insync.replicas"]);
  const minIsr = Number.isInteger(override) && override > 0 ? override : defaultMinIsr;
  const entries = Object.entries(assignment?.partitions ?? {});
  return Promise.all(
    entries.map(async ([partition, replicas]) => {
      const state = await getJson<PartitionZkState>(zk, `/brokers/topics/${topic}/partitions/${partition}/state`);
      return {
        topic,
        partition: Number(partition),
        replicas,
        isr: state?.isr ?? [],
        leader: state?.leader ?? -1,
        minIsr,
      };
    }),
  );
}

/**
 * Every partition of every topic, internal ones included. `defaultMinIsr` is
 * the brokers' min.insync.replicas from server.properties (Kafka's default 1).
 */
export async function readPartitions(zk: ZkClient, defaultMinIsr: number): Promise<PartitionState[]> {
  const [topics, minIsr] = await Promise.all([getChildren(zk, "/brokers/topics"), clusterMinIsr(zk, defaultMinIsr)]);
  const all = await Promise.all((topics ?? []).map((t) => topicPartitions(zk, t, minIsr)));
  return all.flat();
}
