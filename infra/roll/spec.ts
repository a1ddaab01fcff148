// Which roll a planned process takes part in: brokers roll with the
// min-ISR gate, an ensemble's nodes roll with the quorum gate; a standalone
// ZooKeeper, a service, or a stack with `restarts: all-at-once` restart at once.
import type { ClusterPlan } from "../plan";
import { SAFE_BROKER_SETTINGS } from "../render";
import type { RollSpec } from "./index";

/** The brokers' min.insync.replicas: the stack's, else the one server.properties gets by default. */
function defaultMinIsr(plan: ClusterPlan): number {
  const set = Number(plan.brokerSettings["min.insync.replicas"] ?? SAFE_BROKER_SETTINGS["min.insync.replicas"]);
  return Number.isInteger(set) && set > 0 ? set : 1;
}

export function rollSpecOf(
  plan: ClusterPlan,
  process: { role: "zookeeper"; id: number } | { role: "broker"; id: number } | { role: "service" },
): RollSpec | undefined {
  if (plan.restarts === "all-at-once") return undefined;
  const gateTimeoutMs = plan.rollTimeoutSeconds * 1000;
  if (process.role === "broker") {
    return {
      kind: "broker",
      zookeeperConnect: plan.zookeeperConnect,
      brokerId: process.id,
      defaultMinIsr: defaultMinIsr(plan),
      gateTimeoutMs,
    };
  }
  if (process.role === "zookeeper" && plan.zookeeper.length >= 3) {
    const ensemble = plan.zookeeper.map((z) => ({ id: z.id, address: z.address, clientPort: z.clientPort }));
    return { kind: "zookeeper", ensemble, myId: process.id, gateTimeoutMs };
  }
  return undefined;
}
