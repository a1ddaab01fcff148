// The docker target's rolling restart. Containers are replaced by the docker
// provider, not by our code, so the roll is a chain in the resource graph:
// gate 1 -> broker 1 -> gate 2 -> broker 2 -> ... -> the last gate, each gate
// a resource that runs whenever the broker before it was replaced (its
// container id) or the broker after it is about to be (its spec's hash). A
// gate waits until the broker before it is registered and back in sync for
// every partition it hosts, then until stopping the broker after it leaves
// every partition at or above min.insync.replicas; the last one asks for a
// preferred leader election. The order is by broker id: the controller is not
// moved last, as it is on local and ssh (infra/roll/roll.ts).
//
// Serialized by Pulumi like the process providers: plain values, plain Errors.
import * as pulumi from "@pulumi/pulumi";
import { connectZk, readBrokerRegistrations, type ZkClient } from "../../lib/zookeeper/client";
import { readPartitions } from "./cluster-state";
import { blockingPartitions, describePartition, outOfSync } from "./partitions";
import { electPreferredLeaders } from "./roll";
import { waitForEnsemble, type EnsembleNode } from "./zookeeper-roll";

export interface DockerRollGateInputs {
  readonly zookeeperConnect: string;
  readonly defaultMinIsr: number;
  readonly timeoutMs: number;
  /**
   * An ensemble's gate instead of a broker's (after and before then name
   * myids): on an update, it waits until every node is back in the quorum.
   * On create it waits for nothing: a new ensemble has no quorum until all
   * its nodes run.
   */
  readonly ensemble?: readonly EnsembleNode[];
  /** The broker replaced just before this gate: waited for until back in sync. */
  readonly after?: { readonly brokerId: number; readonly containerId: string };
  /** The broker replaced just after: its stop must keep every partition at min.insync.replicas. */
  readonly before?: { readonly brokerId: number; readonly specHash: string };
}

/** Polls `pending` (what is still in the way, in words) until it is empty; throws naming it at the deadline. */
async function waitFor(t: DockerRollGateInputs, what: string, pending: () => Promise<string[]>) {
  const deadline = Date.now() + t.timeoutMs;
  for (;;) {
    const left = await pending().catch((err: Error) => [err.message]);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${what} after ${t.timeoutMs} ms: ${left.slice(0, 10).join(", ")}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Runs the gate: see the top of the file. */
async function pass(t: DockerRollGateInputs): Promise<void> {
  const zk: ZkClient = await connectZk(t.zookeeperConnect, { timeoutMs: 15_000, sessionTimeoutMs: 30_000 });
  try {
    const parts = () => readPartitions(zk, t.defaultMinIsr);
    const names = (ps: Parameters<typeof describePartition>[0][]): string[] => ps.map(describePartition);
    if (t.after) {
      const id = t.after.brokerId;
      await waitFor(t, `broker ${id}: not registered in ZooKeeper`, async () =>
        (await readBrokerRegistrations(zk)).brokerIds.includes(id) ? [] : [`broker ${id} not registered`],
      );
      await waitFor(t, `broker ${id}: replaced but not back in sync`, async () => names(outOfSync(await parts(), id)));
    }
    if (t.before) {
      const id = t.before.brokerId;
      const running = (await readBrokerRegistrations(zk)).brokerIds.includes(id);
      if (running) {
        await waitFor(
          t,
          `broker ${id}: not replaced: stopping it would take partitions below min.insync.replicas`,
          async () => names(blockingPartitions(await parts(), id)),
        );
      }
    } else {
      await electPreferredLeaders(zk, t.defaultMinIsr).catch(() => 0);
    }
  } finally {
    zk.close();
  }
}

/** An ensemble's gate: the quorum whole again (the node before is back; the node after may stop). */
async function passEnsemble(t: DockerRollGateInputs, ensemble: readonly EnsembleNode[]): Promise<void> {
  const label = `ZooKeeper ${t.before ? `node ${t.before.brokerId}` : "ensemble"}`;
  await waitForEnsemble({ ensemble, label }, t.timeoutMs, "not replaced: the quorum is not whole", () => {});
}

export const dockerRollGateProvider: pulumi.dynamic.ResourceProvider<DockerRollGateInputs, DockerRollGateInputs> = {
  async diff(_id, olds, news) {
    return { changes: JSON.stringify({ ...olds, __provider: 0 }) !== JSON.stringify({ ...news, __provider: 0 }) };
  },
  async create(inputs) {
    if (!inputs.ensemble) await pass(inputs);
    return { id: `gate-${inputs.before?.brokerId ?? "last"}`, outs: inputs };
  },
  async update(_id, _olds, news) {
    await (news.ensemble ? passEnsemble(news, news.ensemble) : pass(news));
    return { outs: news };
  },
  async delete() {
    // Nothing to undo.
  },
};

export class DockerRollGate extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args:
      pulumi.Input<DockerRollGateInputs> | { [K in keyof DockerRollGateInputs]: pulumi.Input<DockerRollGateInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(dockerRollGateProvider, name, args, opts, "kafka-cluster", "DockerRollGate");
  }
}
