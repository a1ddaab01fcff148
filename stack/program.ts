// The Pulumi program: the cluster on the stack's target, then its topics,
// then the consumer service. index.ts exports what this returns.
import * as pulumi from "@pulumi/pulumi";
import { KafkaCluster, type BrokerOutput } from "../infra/cluster";
import type { TargetKind } from "../infra/plan";
import { KafkaTopic } from "../topics/resource";
import { loadStackSettings } from "./config";
import type { TopicDeclaration } from "../topics/declare";
import { ConsumerService } from "./consumer-service";
import { Prometheus } from "./prometheus";
import { BrokerPlacement } from "../infra/placement/resource";

/** One declared topic as the stack outputs it. */
export interface TopicOutput {
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Record<string, string>;
}

/** The stack's outputs (index.ts exports each under this name). */
export interface ProgramOutputs {
  readonly target: TargetKind;
  readonly healthUrl: pulumi.Output<string | undefined> | undefined;
  /** Set when the stack runs Prometheus (`monitoring.prometheus`). */
  readonly prometheusUrl: pulumi.Output<string> | undefined;
  readonly bootstrapServers: pulumi.Output<string>;
  readonly zookeeperConnect: pulumi.Output<string>;
  readonly brokers: pulumi.Output<BrokerOutput[]>;
  readonly topics: pulumi.Output<Record<string, TopicOutput>>;
}

function declareTopic(t: TopicDeclaration, cluster: KafkaCluster): KafkaTopic {
  return new KafkaTopic(
    t.id,
    {
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      config: t.config,
      bootstrapServers: cluster.bootstrapServers,
      adopt: t.import,
      // For the policy pack (policy/); the provider ignores them.
      policyExemption: t.policyExemption,
      allowDataLoss: t.allowDataLoss,
    },
    // The guard on every command, not only previews with the policy: Pulumi
    // decides a delete or a replace by the option as the state has it, so a
    // topic deployed without allowDataLoss that is removed or renamed stays
    // in Kafka, with its messages, and only leaves the stack. Deleting it
    // takes two deployments: allowDataLoss: true, then the removal or rename.
    { dependsOn: [cluster.ready], retainOnDelete: t.allowDataLoss !== true },
  );
}

function topicSummary(declared: readonly KafkaTopic[]): pulumi.Output<Record<string, TopicOutput>> {
  return pulumi
    .all(declared.map((t) => pulumi.all([t.name, t.partitions, t.replicationFactor, t.config])))
    .apply((rows) =>
      Object.fromEntries(
        rows.map(([name, partitions, replicationFactor, config]) => [name, { partitions, replicationFactor, config }]),
      ),
    );
}

/** Reads the stack config (failing on any problem) and declares every resource. */
export function runProgram(): ProgramOutputs {
  const { plan, topics, privateKeys, consumer, prometheus } = loadStackSettings();
  const cluster = new KafkaCluster("kafka", { plan, privateKeys });
  const declared = topics.map((t) => declareTopic(t, cluster));
  // After the topics and before a removed host's broker is deleted (Pulumi deletes last).
  const { rebalance, drain, throttleBytesPerSecond, timeoutSeconds } = plan.placement;
  new BrokerPlacement(
    "kafka-placement",
    {
      bootstrapServers: cluster.bootstrapServers,
      brokers: plan.brokers.map((b) => b.id),
      rebalance: typeof rebalance === "boolean" ? rebalance : [...rebalance],
      drain,
      throttleBytesPerSecond,
      timeoutMs: timeoutSeconds * 1000,
    },
    { dependsOn: [cluster.ready, cluster.liveSettings, ...declared] },
  );
  const consumerService = consumer
    ? new ConsumerService("consumer", {
        plan,
        consumer,
        privateKeys,
        stackId: cluster.stackId,
        dependsOn: [cluster.ready, ...declared],
      })
    : undefined;
  const monitoring =
    prometheus && consumerService
      ? new Prometheus("prometheus", { plan, prometheus, stackId: cluster.stackId, dependsOn: [consumerService] })
      : undefined;
  return {
    target: plan.target,
    healthUrl: consumerService?.healthUrl,
    prometheusUrl: monitoring?.url,
    bootstrapServers: cluster.bootstrapServers,
    zookeeperConnect: cluster.zookeeperConnect,
    brokers: cluster.brokers,
    topics: topicSummary(declared),
  };
}
