// ConsumerService: runs the consumer service on the stack's target once its
// topics exist, everywhere as the same one-file bundle with the same heap
// limits (stack/consumer-bundle.ts), placed through the target (local: a
// detached process; ssh: a systemd unit or plain process on a host with
// Node.js; docker: a container on the Node.js image). Settings go in an env
// file read by `node --env-file`. `pulumi destroy` stops it.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../infra/plan";
import { createTarget, type ServiceSpec } from "../infra/targets/target";
import { serviceBundleFile, serviceNodeFlags } from "./consumer-bundle";
import type { ConsumerPlan } from "./consumer-plan";

export interface ConsumerServiceArgs {
  readonly plan: ClusterPlan;
  readonly consumer: ConsumerPlan;
  /** ssh target: each host's private key by host name (secrets). */
  readonly privateKeys?: Readonly<Record<string, pulumi.Input<string>>>;
  /** The stack's identity (KafkaCluster.stackId): the service's process is marked as the stack's. */
  readonly stackId: pulumi.Input<string> | undefined;
  /** What must exist first: the ready cluster and the topics. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The service as a process to place: its settings name the cluster as the target sees it. */
export function consumerProcess(consumer: ConsumerPlan): ServiceSpec {
  return {
    role: "service",
    service: "consumer",
    host: consumer.host,
    port: consumer.port,
    healthPath: "/health",
    script: serviceBundleFile(),
    nodeFlags: serviceNodeFlags(consumer.maxHeapMb),
    env: (at) => ({
      ...consumer.env,
      KAFKA_BOOTSTRAP_SERVERS: at.bootstrapServers,
      ZOOKEEPER_CONNECT: at.zookeeperConnect,
      HTTP_HOST: at.listenAddress,
    }),
  };
}

export class ConsumerService extends pulumi.ComponentResource {
  /** http://<host>:<port>/health, known once the service answers on its port (placing it waits for that). */
  readonly healthUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: ConsumerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-cluster:consumer:ConsumerService", name, {}, opts);
    const { plan, consumer } = args;
    const target = createTarget(plan, { name, parent: this, privateKeys: args.privateKeys, stackId: args.stackId });
    const placed = target.place(consumerProcess(consumer), { dependsOn: args.dependsOn ?? [] });
    this.healthUrl = placed.id.apply(() => consumer.healthUrl);
    this.registerOutputs({ healthUrl: this.healthUrl });
  }
}
