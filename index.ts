// The Pulumi program: the cluster on the stack's target.
import { KafkaCluster } from "./infra/cluster";
import { loadClusterPlan } from "./infra/config";

const plan = loadClusterPlan();
const cluster = new KafkaCluster("kafka", { plan });

export const target = plan.target;
export const bootstrapServers = cluster.bootstrapServers;
export const zookeeperConnect = cluster.zookeeperConnect;
export const brokers = cluster.brokers;
