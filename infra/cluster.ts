// KafkaCluster: the component that places ZooKeeper and the brokers on the
// stack's target and returns only when the cluster is ready.
import * as pulumi from "@pulumi/pulumi";
import { ClusterReady } from "./cluster-ready";
import type { ClusterPlan } from "./plan";
import { placeDocker } from "./targets/docker";
import { placeLocal } from "./targets/local";
import { placeSsh } from "./targets/ssh";

export interface KafkaClusterArgs {
  /** The validated plan (infra/plan.ts). */
  readonly plan: ClusterPlan;
  /** How long `pulumi up` waits for all brokers and a controller. Default 120 s. */
  readonly readyTimeoutMs?: number;
  /** ssh target: each host's private key by host name (secrets). */
  readonly privateKeys?: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface BrokerOutput {
  readonly id: number;
  readonly host: string;
  readonly address: string;
  readonly port: number;
}

export class KafkaCluster extends pulumi.ComponentResource {
  readonly bootstrapServers: pulumi.Output<string>;
  readonly zookeeperConnect: pulumi.Output<string>;
  readonly brokers: pulumi.Output<BrokerOutput[]>;
  /** Resolves once every broker is registered and a controller is elected. */
  readonly ready: ClusterReady;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-cluster:infra:KafkaCluster", name, {}, opts);
    const { plan } = args;
    const placed = ((): pulumi.Resource[] => {
      switch (plan.target) {
        case "local":
          return placeLocal(name, { plan }, this).brokers;
        case "ssh":
          return placeSsh(name, { plan, privateKeys: args.privateKeys ?? {} }, this).brokers;
        case "docker":
          return placeDocker(name, { plan }, this).brokers;
        default: {
          const never: never = plan.target;
          throw new Error(`unknown target ${String(never)}`);
        }
      }
    })();
    this.ready = new ClusterReady(
      `${name}-ready`,
      {
        zookeeperConnect: plan.zookeeperConnect,
        brokerIds: plan.brokers.map((b) => b.id),
        timeoutMs: args.readyTimeoutMs ?? 120_000,
      },
      { parent: this, dependsOn: placed },
    );
    // Outputs wait for readiness, so anything that uses them waits too.
    const afterReady = <T>(value: T): pulumi.Output<T> => this.ready.controller.apply(() => value);
    this.bootstrapServers = afterReady(plan.bootstrapServers);
    this.zookeeperConnect = afterReady(plan.zookeeperConnect);
    this.brokers = afterReady(plan.brokers.map(({ id, host, address, port }) => ({ id, host, address, port })));
    this.registerOutputs({
      bootstrapServers: this.bootstrapServers,
      zookeeperConnect: this.zookeeperConnect,
      brokers: this.brokers,
    });
  }
}
