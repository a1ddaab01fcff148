// One-shot ZooKeeper reads for tests, over lib/zookeeper/client.ts.
import { readBrokerRegistrations, withZk, type BrokerRegistrations } from "../lib/zookeeper/client";

export type ZkClusterState = BrokerRegistrations;

/** Registered brokers and the controller; fails after timeoutMs when ZooKeeper does not answer. */
export function readClusterState(connect: string, timeoutMs: number): Promise<ZkClusterState> {
  return withZk(connect, { timeoutMs, spinDelayMs: 100 }, readBrokerRegistrations);
}
