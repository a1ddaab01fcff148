// The Pulumi program: the cluster on the stack's target.
import { KafkaCluster } from "./infra/cluster";
import { loadStackSettings } from "./infra/config";

const { plan, privateKeys } = loadStackSettings();
const cluster = new KafkaCluster("kafka", { plan, privateKeys });

export const target = plan.target;
export const bootstrapServers = cluster.bootstrapServers;
export const zookeeperConnect = cluster.zookeeperConnect;
export const brokers = cluster.brokers;
