// Reads what `describe` prints from a live cluster: partitions, leaders, ISR,
// reassignments, configs and live brokers through the Kafka admin API
// (kafkajs), topic ids from ZooKeeper (kafkajs speaks Metadata up to v6,
// which has no topic ids).
import type { Admin } from "kafkajs";
import type { ConfigEntryState, PartitionReassignmentState, PartitionState, TopicState } from "./describe";
import { KafkaClusterError } from "../lib/errors";
import { kafkajs } from "../lib/kafkajs";
import { getJson, withZk } from "../lib/zookeeper/client";

/** Kafka's internal topics (org.apache.kafka.common.internals.Topic.isInternal). */
export const INTERNAL_TOPICS: readonly string[] = ["__consumer_offsets", "__transaction_state"];

const TOPIC_RESOURCE = 2;
const BROKER_RESOURCE = 4;
const DEFAULT_CONFIG_SOURCE = 5;

export interface ObserveOptions {
  /** `host:port,...` of the cluster. */
  readonly bootstrapServers: string;
  /** ZooKeeper for topic ids; default: the brokers' own `zookeeper.connect`. */
  readonly zookeeperConnect?: string | undefined;
  /** Topic names; default every topic. */
  readonly topics?: readonly string[];
  readonly excludeInternal?: boolean;
  /** Connection and request timeout. Default 5 s. */
  readonly timeoutMs?: number;
}

export interface ClusterSnapshot {
  /** Topics sorted by name. */
  readonly topics: TopicState[];
  readonly liveBrokers: number[];
  /** What could not be read but did not stop the description (e.g. topic ids). */
  readonly warnings: string[];
}

export class ClusterUnreachableError extends KafkaClusterError {
  readonly retriable = true;
  constructor(
    readonly bootstrapServers: string,
    cause: unknown,
  ) {
    super(`cannot reach the Kafka cluster at ${bootstrapServers}: ${(cause as Error).message}`);
    this.name = "ClusterUnreachableError";
  }
}

export class UnknownTopicsError extends KafkaClusterError {
  readonly retriable = false;
  constructor(
    readonly topics: readonly string[],
    bootstrapServers: string,
  ) {
    super(
      `${topics.length > 1 ? "topics" : "topic"} ${topics.map((t) => `'${t}'`).join(", ")} ${topics.length > 1 ? "do" : "does"} not exist in the cluster at ${bootstrapServers}`,
    );
    this.name = "UnknownTopicsError";
  }
}

export async function observeTopics(options: ObserveOptions): Promise<ClusterSnapshot> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const admin = await connectAdmin(options.bootstrapServers, timeoutMs);
  try {
    const names = await selectTopics(admin, options);
    const { brokers } = await admin.describeCluster();
    const liveBrokers = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    if (names.length === 0) return { topics: [], liveBrokers, warnings: [] };
    const warnings: string[] = [];
    const zookeeperConnect = options.zookeeperConnect ?? (await brokerZookeeperConnect(admin, liveBrokers[0]));
    const ids = zookeeperConnect
      ? await topicIds(zookeeperConnect, names, timeoutMs).catch((err: Error) => {
          warnings.push(`topic ids left out: ${err.message}`);
          return new Map<string, string>();
        })
      : new Map<string, string>();
    return { topics: await describeTopics(admin, names, ids), liveBrokers, warnings };
  } finally {
    await admin.disconnect();
  }
}

async function connectAdmin(bootstrapServers: string, timeoutMs: number): Promise<Admin> {
  const { Kafka, logLevel } = kafkajs();
  const kafka = new Kafka({
    clientId: "kafka-cluster-describe",
    brokers: bootstrapServers.split(","),
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new ClusterUnreachableError(bootstrapServers, err);
  }
  return admin;
}

/** The topics asked for (every topic when none is named), sorted; UnknownTopicsError names any that do not exist. */
async function selectTopics(admin: Admin, options: ObserveOptions): Promise<string[]> {
  const all = (await admin.listTopics()).sort();
  const missing = (options.topics ?? []).filter((t) => !all.includes(t));
  if (missing.length) throw new UnknownTopicsError(missing, options.bootstrapServers);
  return (options.topics?.length ? all.filter((t) => options.topics!.includes(t)) : all).filter(
    (t) => !(options.excludeInternal && INTERNAL_TOPICS.includes(t)),
  );
}

/** Partitions (offline ones included: kafkajs is patched), configs and reassignments of each topic. */
async function describeTopics(
  admin: Admin,
  names: readonly string[],
  ids: ReadonlyMap<string, string>,
): Promise<TopicState[]> {
  const [{ topics: metadata }, configs, reassignments] = await Promise.all([
    admin.fetchTopicMetadata({ topics: [...names] }),
    topicConfigs(admin, names),
    ongoingReassignments(admin),
  ]);
  const byName = new Map(metadata.map((t) => [t.name, t]));
  return names.map((name): TopicState => {
    const topicId = ids.get(name);
    const partitions = (byName.get(name)?.partitions ?? []).map((p): PartitionState => {
      const reassignment = reassignments.get(`${name}:${p.partitionId}`);
      return {
        partition: p.partitionId,
        leader: p.leader >= 0 ? p.leader : null,
        replicas: p.replicas,
        isr: p.isr,
        ...(reassignment ? { reassignment } : {}),
      };
    });
    return { name, ...(topicId ? { topicId } : {}), partitions, configs: configs.get(name) ?? [] };
  });
}

async function topicConfigs(admin: Admin, names: readonly string[]): Promise<Map<string, ConfigEntryState[]>> {
  const { resources } = await admin.describeConfigs({
    resources: names.map((name) => ({ type: TOPIC_RESOURCE, name })),
    includeSynonyms: false,
  });
  return new Map(
    resources.map((r) => [
      r.resourceName,
      r.configEntries.map((e) => ({
        name: e.configName,
        value: e.configValue ?? null,
        isDefault: (e as { configSource?: number }).configSource === DEFAULT_CONFIG_SOURCE,
      })),
    ]),
  );
}

/**
 * What kafkajs 2.2.4 really returns from listPartitionReassignments (its
 * decoder's field names; its type declarations say `topic`/`partitionIndex`).
 */
interface DecodedReassignments {
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly partitions: ReadonlyArray<{
      partition: number;
      replicas: number[];
      addingReplicas: number[];
      removingReplicas: number[];
    }>;
  }>;
}

/** Ongoing reassignments by `topic:partition`. */
async function ongoingReassignments(admin: Admin): Promise<Map<string, PartitionReassignmentState>> {
  const { topics } = (await admin.listPartitionReassignments({})) as unknown as DecodedReassignments;
  const out = new Map<string, PartitionReassignmentState>();
  for (const t of topics) {
    for (const p of t.partitions) {
      out.set(`${t.name}:${p.partition}`, {
        replicas: p.replicas,
        adding: p.addingReplicas,
        removing: p.removingReplicas,
      });
    }
  }
  return out;
}

/** A broker's own `zookeeper.connect`, or undefined when it does not say. */
async function brokerZookeeperConnect(admin: Admin, brokerId: number | undefined): Promise<string | undefined> {
  if (brokerId === undefined) return undefined;
  const { resources } = await admin.describeConfigs({
    resources: [{ type: BROKER_RESOURCE, name: String(brokerId), configNames: ["zookeeper.connect"] }],
    includeSynonyms: false,
  });
  return resources[0]?.configEntries.find((e) => e.configName === "zookeeper.connect")?.configValue || undefined;
}

/** `topic_id` of each topic's /brokers/topics/<topic> znode (Kafka 3.x, ZooKeeper mode). */
async function topicIds(
  zookeeperConnect: string,
  names: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  return withZk(zookeeperConnect, { timeoutMs, spinDelayMs: 100 }, async (client) => {
    const read = async (topic: string): Promise<[string, string | undefined]> => {
      const znode = await getJson<{ topic_id?: string }>(client, `/brokers/topics/${topic}`).catch(() => null);
      return [topic, znode?.topic_id];
    };
    const pairs = await Promise.all(names.map(read));
    return new Map(pairs.filter((p): p is [string, string] => p[1] !== undefined));
  });
}
