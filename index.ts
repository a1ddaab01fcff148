// The Pulumi program: the cluster on the stack's target, then its topics,
// then the consumer service.
import * as pulumi from "@pulumi/pulumi";
import { KafkaCluster } from "./infra/cluster";
import { ConsumerService } from "./consumer/deploy";
import { loadStackSettings } from "./infra/config";
import { KafkaTopic } from "./topics/resource";

const { plan, topics, privateKeys, consumer } = loadStackSettings();
const cluster = new KafkaCluster("kafka", { plan, privateKeys });

const declared = topics.map(
  (t) =>
    new KafkaTopic(
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
      { dependsOn: [cluster.ready] },
    ),
);

const consumerService = consumer
  ? new ConsumerService("consumer", { plan, consumer, privateKeys, dependsOn: [cluster.ready, ...declared] })
  : undefined;

export const target = plan.target;
export const healthUrl = consumerService?.healthUrl;
export const bootstrapServers = cluster.bootstrapServers;
export const zookeeperConnect = cluster.zookeeperConnect;
export const brokers = cluster.brokers;
const topicSummary = pulumi
  .all(declared.map((t) => pulumi.all([t.name, t.partitions, t.replicationFactor, t.config])))
  .apply((rows) => Object.fromEntries(rows.map(([name, partitions, replicationFactor, config]) => [name, { partitions, replicationFactor, config }])));
export { topicSummary as topics };
