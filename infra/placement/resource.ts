// BrokerPlacement: where replicas live as brokers come and go. After the
// topics, it drains brokers the stack no longer lists (refused without
// `placement.drain` while they hold replicas: at preview from the replicas per
// broker the last up recorded, and again against the cluster) and, with
// `placement.rebalance`, spreads replicas onto new brokers, each under a
// replication throttle. Pulumi deletes a removed host's broker after every
// update, so its replicas are off before it stops.
//
// Serialized by Pulumi like LiveBrokerSettings: what it calls requires inside functions.
import * as pulumi from "@pulumi/pulumi";
import { applyPlacement, readReplicas, type PlacementTarget } from "./apply";
import { removedWithReplicas, replicasByBroker } from "./moves";
import { withAdmin } from "../live-apply";

export interface BrokerPlacementInputs extends PlacementTarget {
  readonly brokers: number[];
  readonly rebalance: boolean | string[];
}

export interface BrokerPlacementOutputs extends BrokerPlacementInputs {
  /** Replicas per broker id after the last apply (or refresh). */
  readonly replicasByBroker: Record<string, number>;
  readonly moved: number;
}

export const brokerPlacementProvider: pulumi.dynamic.ResourceProvider<BrokerPlacementInputs, BrokerPlacementOutputs> = {
  async diff(_id, olds, news) {
    const removed = removedWithReplicas(olds.replicasByBroker, news.brokers);
    if (removed.length > 0 && !news.drain) {
      throw new Error(
        `kafka-cluster:hosts: ${removed.join(", ")} ${removed.length === 1 ? "is" : "are"} no longer listed but ` +
          "held replicas at the last up; refused before anything changes. Set kafka-cluster:placement.drain: true " +
          "to move them off before the broker stops, or list the host again",
      );
    }
    // Written out: Pulumi's closure serializer fails on a captured constant.
    const changes = (["brokers", "rebalance", "drain", "bootstrapServers"] as const).some(
      (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
    );
    return { changes };
  },
  async create(inputs) {
    const result = await applyPlacement(inputs);
    return { id: "broker-placement", outs: { ...inputs, ...result } };
  },
  async update(_id, _olds, news) {
    return { outs: { ...news, ...(await applyPlacement(news)) } };
  },
  async read(id, props) {
    if (!props) return { id, props };
    try {
      const counts = await withAdmin(props.bootstrapServers, async (a) => replicasByBroker(await readReplicas(a)));
      return { id, props: { ...props, replicasByBroker: counts } };
    } catch (err) {
      console.warn(`replica placement not read (${(err as Error).message}): kept as it was`);
      return { id, props };
    }
  },
  async delete() {
    // Nothing to undo: replicas stay where they are, and the brokers go after it.
  },
};

export class BrokerPlacement extends pulumi.dynamic.Resource {
  declare readonly replicasByBroker: pulumi.Output<Record<string, number>>;
  constructor(
    name: string,
    args: { [K in keyof BrokerPlacementInputs]: pulumi.Input<BrokerPlacementInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const outs = { replicasByBroker: undefined, moved: undefined };
    super(brokerPlacementProvider, name, { ...args, ...outs }, opts, "kafka-cluster", "BrokerPlacement");
  }
}
