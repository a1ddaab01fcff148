// Vitest global setup for integration tests: one real cluster for the run.
import type { TestProject } from "vitest/node";
import { startTestCluster, type TestBroker } from "../../support/cluster";

export interface ClusterInfo {
  readonly bootstrapServers: string;
  readonly zookeeperConnect: string;
  readonly brokers: readonly TestBroker[];
}

declare module "vitest" {
  export interface ProvidedContext {
    cluster: ClusterInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // KAFKA_CLUSTER_TEST_ADDRESS_PREFIX lets two test runs share a machine (default 127.0.20).
  const cluster = await startTestCluster({ addressPrefix: process.env.KAFKA_CLUSTER_TEST_ADDRESS_PREFIX });
  console.log(
    `test cluster ready in ${cluster.startupMs} ms: ${cluster.bootstrapServers} (zk ${cluster.zookeeperConnect})`,
  );
  project.provide("cluster", {
    bootstrapServers: cluster.bootstrapServers,
    zookeeperConnect: cluster.zookeeperConnect,
    brokers: cluster.brokers,
  });
  return () => cluster.stop();
}
