// The KafkaTopic resource's inputs, and what two sets of them ask of Kafka.
import { topicChange, type TopicSpec } from "../spec";

export interface KafkaTopicInputs extends TopicSpec {
  /** `host:port,...` of the cluster. */
  readonly bootstrapServers: string;
  /**
   * Take over an existing topic of this name, as it is, instead of refusing
   * it. Dynamic providers cannot serve `pulumi import` (pulumi/pulumi#16175),
   * so this is how a topic is imported. Ignored once the topic is managed.
   */
  readonly adopt?: boolean;
  /** Deadline for each wait (leaders, ISR, reassignment, deletion). Default 120 s. */
  readonly timeoutMs?: number;
  /** Read by the policy pack (policy/), never by the provider: why the topic may be less durable. */
  readonly policyExemption?: { readonly reason: string };
  /**
   * The topic may be deleted or replaced. The program (stack/program.ts) sets
   * `retainOnDelete` from it, and the policy pack (policy/) reads it; the
   * provider itself never does.
   */
  readonly allowDataLoss?: boolean;
}

export function specOf(i: KafkaTopicInputs): TopicSpec {
  return { name: i.name, partitions: i.partitions, replicationFactor: i.replicationFactor, config: i.config ?? {} };
}

/**
 * Whether `news` declares the same topic on the same cluster as `olds`, with
 * the same partitions, replication factor and config.
 */
export function asksNothingNew(olds: KafkaTopicInputs | undefined, news: KafkaTopicInputs): boolean {
  if (!olds || typeof olds.partitions !== "number" || olds.bootstrapServers !== news.bootstrapServers) return false;
  const change = topicChange(specOf(olds), specOf(news));
  return (
    !change.replace &&
    change.partitions === undefined &&
    change.replicationFactor === undefined &&
    Object.keys(change.setConfig).length === 0 &&
    change.resetConfig.length === 0
  );
}
