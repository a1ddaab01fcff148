// An in-memory Kafka cluster behind the admin calls the topic provider makes,
// answering (and failing) as kafkajs 2.2.4 does, patched by lib/kafkajs: a
// partition without a leader reads as leader -1. Every call is recorded, so a
// test can say what the provider asked.
import type { KafkaTopicInputs } from "../../../../topics/provider";
import type { PooledAdmin } from "../../../../topics/provider/admin-pool";
import { createAdminPool, topicProvider } from "../../../../topics/provider";
import { recordRefusals, type TopicRefusal } from "../../../../topics/provider/create-answer";

const { createErrorFromCode } = require("kafkajs/src/protocol/error") as {
  createErrorFromCode: (code: number) => Error;
};
const { KafkaJSAggregateError, KafkaJSCreateTopicError, KafkaJSConnectionError } = require("kafkajs/src/errors") as {
  KafkaJSAggregateError: new (message: string, errors: Error[]) => Error;
  KafkaJSCreateTopicError: new (e: Error, topic: string) => Error;
  KafkaJSConnectionError: new (message: string) => Error;
};

const UNKNOWN_TOPIC_OR_PARTITION = 3;
const TOPIC_ALREADY_EXISTS = 36;
const INVALID_CONFIG = 40;
const TOPIC_RESOURCE = 2;
const BROKER_RESOURCE = 4;
const DYNAMIC_TOPIC_CONFIG = 1;

export interface FakePartition {
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface FakeTopic {
  partitions: FakePartition[];
  overrides: Record<string, string>;
}

type Entries = Array<{ name: string; value: string }>;
type Reassignment = { topic: string; partitionAssignment: Array<{ partition: number; replicas: number[] }> };

/** A partition led by its first replica, all replicas in sync. */
const inSync = (replicas: readonly number[]): FakePartition => ({
  leader: replicas[0]!,
  replicas: [...replicas],
  isr: [...replicas],
});

export class FakeCluster {
  brokers = [1, 2, 3];
  defaultMinIsr = 2;
  readonly topics = new Map<string, FakeTopic>();
  /** Config keys every broker refuses (INVALID_CONFIG), as for an unknown key or a bad value. */
  readonly refusedKeys = new Set<string>();
  /** When set, no client connects: the cluster is not there (yet). */
  unreachable = false;
  /** When set, a reassignment to other replicas never completes (a broker that cannot catch up). */
  stuckReassignments = false;
  /** Reassignments in progress: topic -> partition -> target replicas. */
  readonly reassigning = new Map<string, Map<number, number[]>>();
  /** Each admin call, as `method` or `method topic,...`. */
  readonly calls: string[] = [];

  /** A topic of `partitions` partitions with replicas on the first `rf` brokers, all in sync. */
  addTopic(name: string, partitions: number, rf: number, overrides: Record<string, string> = {}): FakeTopic {
    const replicas = this.brokers.slice(0, rf);
    const topic = {
      partitions: Array.from({ length: partitions }, () => inSync(replicas)),
      overrides: { ...overrides },
    };
    this.topics.set(name, topic);
    return topic;
  }

  /** The provider over this cluster, through the real admin pool. */
  provider(): ReturnType<typeof topicProvider> {
    return topicProvider(createAdminPool(() => this.admin()));
  }

  private refusal(config: Entries): Error | undefined {
    return config.some((e) => this.refusedKeys.has(e.name)) ? createErrorFromCode(INVALID_CONFIG) : undefined;
  }

  private known(name: string): FakeTopic {
    const t = this.topics.get(name);
    if (!t) throw createErrorFromCode(UNKNOWN_TOPIC_OR_PARTITION);
    return t;
  }

  admin(): PooledAdmin {
    const record = (call: string, topics: readonly string[] = []): void => {
      this.calls.push(topics.length ? `${call} ${topics.join(",")}` : call);
    };
    const fake = {
      connect: async () => {
        record("connect");
        if (this.unreachable) throw new KafkaJSConnectionError("Connection error: connect ECONNREFUSED");
      },
      disconnect: async () => record("disconnect"),
      describeCluster: async () => {
        record("describeCluster");
        const brokers = this.brokers.map((nodeId) => ({ nodeId, host: "fake", port: 9092 }));
        return { brokers, controller: 1, clusterId: "fake" };
      },
      describeConfigs: async ({ resources }: { resources: Array<{ type: number; name: string }> }) => {
        const r = resources[0]!;
        record(`describeConfigs ${r.type === BROKER_RESOURCE ? "broker" : "topic"}`, [r.name]);
        const configEntries =
          r.type === TOPIC_RESOURCE
            ? Object.entries(this.known(r.name).overrides).map(([configName, configValue]) => ({
                configName,
                configValue,
                configSource: DYNAMIC_TOPIC_CONFIG,
              }))
            : [{ configName: "min.insync.replicas", configValue: String(this.defaultMinIsr), configSource: 4 }];
        return { resources: [{ resourceType: r.type, resourceName: r.name, configEntries }] };
      },
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        record("fetchTopicMetadata", topics);
        return {
          topics: topics.map((name) => ({
            name,
            partitions: this.known(name).partitions.map((p, partitionId) => ({
              partitionErrorCode: 0,
              partitionId,
              leader: p.leader,
              replicas: [...p.replicas],
              isr: [...p.isr],
              offlineReplicas: [],
            })),
          })),
        };
      },
      listTopics: async () => (record("listTopics"), [...this.topics.keys()]),
      createTopics: async (req: {
        validateOnly?: boolean;
        topics: Array<{ topic: string; numPartitions: number; replicationFactor: number; configEntries?: Entries }>;
      }) => {
        record(
          req.validateOnly ? "createTopics validateOnly" : "createTopics",
          req.topics.map((t) => t.topic),
        );
        const errors = req.topics.flatMap((t) => {
          const e = this.topics.has(t.topic)
            ? createErrorFromCode(TOPIC_ALREADY_EXISTS)
            : this.refusal(t.configEntries ?? []);
          return e ? [new KafkaJSCreateTopicError(e, t.topic)] : [];
        });
        if (!req.validateOnly) {
          for (const t of req.topics.filter((x) => !errors.some((e) => (e as { topic?: string }).topic === x.topic))) {
            const overrides = Object.fromEntries((t.configEntries ?? []).map((e) => [e.name, e.value]));
            this.addTopic(t.topic, t.numPartitions, t.replicationFactor, overrides);
          }
        }
        if (errors.length === 0) return true;
        // kafkajs's admin answers false when every refusal is TOPIC_ALREADY_EXISTS; the provider's
        // patch of the broker call (create-answer.ts) has recorded which topics by then.
        if (errors.every((e) => (e as { type?: string }).type === "TOPIC_ALREADY_EXISTS")) {
          recordRefusals(req.topics, errors as unknown as TopicRefusal[]);
          return false;
        }
        throw new KafkaJSAggregateError("Topic creation errors", errors);
      },
      alterConfigs: async (req: {
        validateOnly: boolean;
        resources: Array<{ name: string; configEntries: Entries }>;
      }) => {
        const r = req.resources[0]!;
        const set = r.configEntries.map((e) => `${e.name}=${e.value}`).join(",");
        record(`alterConfigs ${req.validateOnly ? "validateOnly " : ""}${r.name} ${set}`);
        const topic = this.known(r.name);
        const refused = this.refusal(r.configEntries);
        if (refused) throw refused;
        if (!req.validateOnly) topic.overrides = Object.fromEntries(r.configEntries.map((e) => [e.name, e.value]));
        return { resources: [] };
      },
      deleteTopics: async ({ topics }: { topics: string[] }) => {
        record("deleteTopics", topics);
        for (const t of topics) this.topics.delete(t);
      },
      createPartitions: async ({ topicPartitions }: { topicPartitions: Array<{ topic: string; count: number }> }) => {
        record(
          "createPartitions",
          topicPartitions.map((t) => t.topic),
        );
        for (const { topic, count } of topicPartitions) {
          const t = this.known(topic);
          while (t.partitions.length < count) t.partitions.push(inSync(t.partitions[0]!.replicas));
        }
      },
      alterPartitionReassignments: async ({ topics }: { topics: Reassignment[] }) => {
        record(
          "alterPartitionReassignments",
          topics.map((t) => t.topic),
        );
        for (const { topic, partitionAssignment } of topics) {
          const t = this.known(topic);
          for (const { partition, replicas } of partitionAssignment) {
            const pending = this.reassigning.get(topic) ?? new Map<number, number[]>();
            this.reassigning.set(topic, pending);
            // A partition asked for the replicas it has: nothing to move (how a cancel ends).
            const current = t.partitions[partition]!.replicas;
            if (this.stuckReassignments && JSON.stringify(current) !== JSON.stringify(replicas)) {
              pending.set(partition, replicas);
            } else {
              pending.delete(partition);
              t.partitions[partition] = inSync(replicas);
            }
          }
        }
      },
      listPartitionReassignments: async () => {
        record("listPartitionReassignments");
        const topics = [...this.reassigning].map(([topic, pending]) => ({
          topic,
          partitions: [...pending].map(([partition, replicas]) => ({ partition, replicas })),
        }));
        return { topics: topics.filter((t) => t.partitions.length > 0) };
      },
    };
    return fake as unknown as PooledAdmin;
  }
}

/** A declared topic's inputs as the provider gets them, for the fake cluster's address. */
export const topicInputs = (over: Partial<KafkaTopicInputs> = {}): KafkaTopicInputs => ({
  name: "clicks",
  partitions: 3,
  replicationFactor: 3,
  config: { "min.insync.replicas": "2" },
  bootstrapServers: "fake:9092",
  ...over,
});
