// A dynamic resource that exists once the cluster is ready: ZooKeeper lists
// every expected broker and a controller has been elected. `dependsOn` only
// orders creation; this waits for the condition, with a deadline.
// Pulumi serializes the provider with what it calls; lib/ requires inside its functions.
import * as pulumi from "@pulumi/pulumi";
import { done, notYet, pollUntil } from "../lib/poll";
import { readBrokerRegistrations, withZk } from "../lib/zookeeper/client";

export interface ClusterReadyInputs {
  readonly zookeeperConnect: string;
  readonly brokerIds: number[];
  readonly timeoutMs: number;
}

export interface ClusterReadyOutputs extends ClusterReadyInputs {
  /** The controller's broker id when the cluster became ready. */
  readonly controller: number;
}

/** Polls ZooKeeper every 200 ms, a new session each time, until every expected broker and a controller are listed. */
async function waitReady(inputs: ClusterReadyInputs): Promise<number> {
  const expected = (ids: readonly number[]): boolean => inputs.brokerIds.every((id) => ids.includes(id));
  return pollUntil(
    async () => {
      const read = withZk(inputs.zookeeperConnect, { timeoutMs: 2_000 }, readBrokerRegistrations);
      const state = await read.catch(() => null);
      if (!state) return notYet();
      const seen = `brokers [${state.brokerIds.join(", ")}], controller ${state.controller ?? "none"}`;
      return state.controller !== null && expected(state.brokerIds) ? done(state.controller) : notYet(seen);
    },
    {
      timeoutMs: inputs.timeoutMs,
      intervalMs: 200,
      what: "the cluster to be ready",
      timeoutError: (seen) =>
        new Error(
          `cluster not ready after ${inputs.timeoutMs} ms: expected brokers [${inputs.brokerIds.join(", ")}] ` +
            `and a controller in ZooKeeper at ${inputs.zookeeperConnect}, ` +
            `saw ${seen || "nothing (ZooKeeper did not answer)"}`,
        ),
    },
  );
}

export const clusterReadyProvider: pulumi.dynamic.ResourceProvider<ClusterReadyInputs, ClusterReadyOutputs> = {
  async create(inputs) {
    const controller = await waitReady(inputs);
    return { id: inputs.zookeeperConnect, outs: { ...inputs, controller } satisfies ClusterReadyOutputs };
  },
  async diff(_id, olds, news) {
    const changes =
      olds.zookeeperConnect !== news.zookeeperConnect ||
      JSON.stringify(olds.brokerIds) !== JSON.stringify(news.brokerIds);
    return { changes };
  },
  async update(_id, _olds, news) {
    const controller = await waitReady(news);
    return { outs: { ...news, controller } satisfies ClusterReadyOutputs };
  },
};

export class ClusterReady extends pulumi.dynamic.Resource {
  declare readonly controller: pulumi.Output<number>;
  constructor(
    name: string,
    args: { [K in keyof ClusterReadyInputs]: pulumi.Input<ClusterReadyInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(clusterReadyProvider, name, { ...args, controller: undefined }, opts, "kafka-cluster", "ClusterReady");
  }
}
