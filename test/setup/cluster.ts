// Vitest global setup for integration tests: one real cluster for the run.
import type { TestProject } from "vitest/node";
import { startTestCluster, type TestBroker } from "../harness/cluster";

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
  const cluster = await startTestCluster();
  console.log(`test cluster ready in ${cluster.startupMs} ms: ${cluster.bootstrapServers} (zk ${cluster.zookeeperConnect})`);
  project.provide("cluster", {
    bootstrapServers: cluster.bootstrapServers,
    zookeeperConnect: cluster.zookeeperConnect,
    brokers: cluster.brokers,
  });
  return () => cluster.stop();
}
