// What a process update runs its restart through: a broker's and an
// ensemble node's restart roll (one at a time, gated); anything else, or a
// stack that asked for restarts all at once, restarts directly.
//
// Serialized with the process providers: plain values in, requires inside.
import { rollBroker } from "./roll";
import { rollZooKeeperNode, type EnsembleNode } from "./zookeeper-roll";

/** How a process's restart is coordinated with the others of its kind; a process input. */
export type RollSpec =
  | {
      readonly kind: "broker";
      readonly zookeeperConnect: string;
      readonly brokerId: number;
      /** min.insync.replicas of server.properties. */
      readonly defaultMinIsr: number;
      readonly gateTimeoutMs: number;
    }
  | {
      readonly kind: "zookeeper";
      readonly ensemble: readonly EnsembleNode[];
      readonly myId: number;
      readonly gateTimeoutMs: number;
    };

/** Runs `restart` (stop, then start) as this process's turn in a rolling restart, or at once without a spec. */
export function restartInTurn(
  spec: RollSpec | undefined,
  how: { label: string; expectRunning: boolean },
  restart: () => Promise<void>,
  progress: (message: string) => void = (m) => console.warn(m),
): Promise<void> {
  if (spec === undefined) return restart();
  const { gateTimeoutMs } = spec;
  const { label, expectRunning } = how;
  if (spec.kind === "broker") {
    const opts = { ...spec, label, gateTimeoutMs, syncTimeoutMs: gateTimeoutMs, expectRunning };
    return rollBroker(opts, restart, progress);
  }
  const opts = { ensemble: spec.ensemble, myId: spec.myId, label, gateTimeoutMs, syncTimeoutMs: gateTimeoutMs };
  return rollZooKeeperNode(opts, restart, progress);
}
