// A dynamic resource that exists once the cluster is ready: ZooKeeper lists
// every expected broker and a controller has been elected. `dependsOn` only
// orders creation; this waits for the condition, with a deadline.
import * as pulumi from "@pulumi/pulumi";

export interface ClusterReadyInputs {
  readonly zookeeperConnect: string;
  readonly brokerIds: number[];
  readonly timeoutMs: number;
}

export interface ClusterReadyOutputs extends ClusterReadyInputs {
  /** The controller's broker id when the cluster became ready. */
  readonly controller: number;
}

async function waitReady(inputs: ClusterReadyInputs): Promise<number> {
  const zookeeper = require("node-zookeeper-client") as typeof import("node-zookeeper-client");
  const deadline = Date.now() + inputs.timeoutMs;
  let seen = "nothing (ZooKeeper did not answer)";
  for (;;) {
    const client = zookeeper.createClient(inputs.zookeeperConnect, { sessionTimeout: 6_000, spinDelay: 200, retries: 0 });
    try {
      const connected = await new Promise<boolean>((resolve) => {
        client.once("connected", () => resolve(true));
        setTimeout(() => resolve(false), 2_000);
        client.connect();
      });
      if (connected) {
        const ids = await new Promise<number[]>((resolve) =>
          client.getChildren("/brokers/ids", (err, children) => resolve(err ? [] : children.map(Number))),
        );
        const controller = await new Promise<number | null>((resolve) =>
          client.getData("/controller", (err, data) =>
            resolve(err || !data ? null : (JSON.parse(data.toString("utf8")) as { brokerid: number }).brokerid),
          ),
        );
        seen = `brokers [${ids.sort().join(", ")}], controller ${controller ?? "none"}`;
        if (controller !== null && inputs.brokerIds.every((id) => ids.includes(id))) return controller;
      }
    } finally {
      client.close();
    }
    if (Date.now() > deadline) {
      throw new Error(
        `cluster not ready after ${inputs.timeoutMs} ms: expected brokers [${inputs.brokerIds.join(", ")}] and a controller in ZooKeeper at ${inputs.zookeeperConnect}, saw ${seen}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const clusterReadyProvider: pulumi.dynamic.ResourceProvider<ClusterReadyInputs, ClusterReadyOutputs> = {
  async create(inputs) {
    const controller = await waitReady(inputs);
    return { id: inputs.zookeeperConnect, outs: { ...inputs, controller } satisfies ClusterReadyOutputs };
  },
  async diff(_id, olds, news) {
    const changes =
      olds.zookeeperConnect !== news.zookeeperConnect || JSON.stringify(olds.brokerIds) !== JSON.stringify(news.brokerIds);
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
