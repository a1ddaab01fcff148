// KafkaCluster: the component that places ZooKeeper and the brokers on the
// stack's target and returns only when the cluster is ready.
import * as pulumi from "@pulumi/pulumi";
import { ClusterReady } from "./cluster-ready";
import { LiveBrokerSettings } from "./live-broker-settings";
import { liveSettingsOf } from "./live-settings";
import type { ClusterPlan } from "./plan";
import { StackIdentity } from "./stack-identity";
import { createTarget } from "./targets/target";

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
  /** The broker settings Kafka changes at run time, applied through the admin API once the cluster is ready. */
  readonly liveSettings: LiveBrokerSettings;
  /**
   * The stack's identity, made once and kept in state: the owner of every
   * process it places on a host (pass it to the service). None on docker,
   * whose containers and volumes are named per stack.
   */
  readonly stackId: pulumi.Output<string> | undefined;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-cluster:infra:KafkaCluster", name, {}, opts);
    const { plan } = args;
    // Its processes depend on it, so it is made first and deleted last.
    this.stackId =
      plan.target === "docker" ? undefined : new StackIdentity(`${name}-identity`, { parent: this }).stackId;
    const target = createTarget(plan, {
      name,
      parent: this,
      privateKeys: args.privateKeys ?? {},
      stackId: this.stackId,
    });
    target.installRelease();
    const zookeeper = plan.zookeeper.map((node) => target.place({ role: "zookeeper", node }));
    // Brokers start after, and stop before, every ZooKeeper node.
    const brokers = plan.brokers.map((broker) => target.place({ role: "broker", broker }, { dependsOn: zookeeper }));
    this.ready = new ClusterReady(
      `${name}-ready`,
      {
        zookeeperConnect: plan.zookeeperConnect,
        brokerIds: plan.brokers.map((b) => b.id),
        timeoutMs: args.readyTimeoutMs ?? 120_000,
      },
      { parent: this, dependsOn: [...brokers, ...(target.settle?.() ?? [])] },
    );
    // Deleted before the brokers stop, so its revert reaches them.
    this.liveSettings = new LiveBrokerSettings(
      `${name}-live-settings`,
      {
        bootstrapServers: plan.bootstrapServers,
        brokerIds: plan.brokers.map((b) => b.id),
        settings: liveSettingsOf(plan.brokerSettings),
        timeoutMs: 30_000,
      },
      { parent: this, dependsOn: [this.ready] },
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
