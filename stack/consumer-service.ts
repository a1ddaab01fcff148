// ConsumerService: runs the consumer service on the stack's target once its
// topics exist, everywhere as the same one-file bundle with the same heap
// limits (stack/consumer-bundle.ts). local: a detached process (LocalProcess);
// ssh: a systemd unit or plain process (RemoteProcess) on a host with
// Node.js; docker: a container on the Node.js image. Settings go in an env
// file read by `node --env-file`.
// `pulumi destroy` stops it.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../infra/plan";
import { dockerEndpoints, type ContainerSpec } from "../infra/render-docker";
import { DockerImages, dockerContainer } from "../infra/targets/docker";
import { LocalProcess } from "../infra/targets/local-process";
import { RemoteProcess } from "../infra/targets/remote-process";
import { serviceBundleFile, serviceNodeArgs } from "./consumer-bundle";
import { renderEnvFile, type ConsumerPlan } from "./consumer-plan";

export interface ConsumerServiceArgs {
  readonly plan: ClusterPlan;
  readonly consumer: ConsumerPlan;
  /** ssh target: each host's private key by host name (secrets). */
  readonly privateKeys?: Readonly<Record<string, pulumi.Input<string>>>;
  /** What must exist first: the ready cluster and the topics. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * docker: a container beside the brokers, running the bundle on the Node.js
 * image with the in-network addresses; its port is published on the host's
 * address, so healthUrl is the same as on the other targets.
 */
function dockerConsumer(name: string, plan: ClusterPlan, consumer: ConsumerPlan, opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource }): pulumi.CustomResource {
  const settings = plan.docker!;
  const inNetwork = dockerEndpoints(plan);
  const env = { ...consumer.env, KAFKA_BOOTSTRAP_SERVERS: inNetwork.bootstrapServers, ZOOKEEPER_CONNECT: inNetwork.zookeeperConnect, HTTP_HOST: "0.0.0.0" };
  const spec: ContainerSpec = {
    resource: `${name}-container`,
    name: `${consumer.host.name}-consumer`,
    label: `${consumer.host.name} consumer service`,
    image: "nodeImage",
    command: ["node", ...serviceNodeArgs("/app/consumer.env", "/app/consumer.js", consumer.maxHeapMb)],
    env: [],
    files: { "/app/consumer.env": renderEnvFile(env), "/app/consumer.js": serviceBundleFile() },
    ports: [{ ip: consumer.host.address, external: consumer.port, internal: consumer.port }],
    volumes: [],
  };
  // Any HTTP answer means the service is up, as the tcp check of the other targets.
  const probe = `fetch("http://127.0.0.1:${consumer.port}/health").then(() => process.exit(0), () => process.exit(1))`;
  return dockerContainer(
    {
      spec,
      image: new DockerImages(name, settings, opts.parent).get("nodeImage"),
      network: settings.network,
      restart: settings.restart,
      extra: {
        user: "node",
        healthcheck: { tests: ["CMD", "node", "-e", probe], interval: "5s", timeout: "3s", retries: 3, startPeriod: "5s" },
        wait: true,
        waitTimeout: 60,
      },
    },
    opts,
  );
}

export class ConsumerService extends pulumi.ComponentResource {
  /** http://<host>:<port>/health, or undefined where the target does not run the service. */
  readonly healthUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: ConsumerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-cluster:consumer:ConsumerService", name, {}, opts);
    const { plan, consumer } = args;
    const workDir = path.posix.join(plan.dataDir, consumer.host.name, "consumer");
    const envFile = path.posix.join(workDir, "consumer.env");
    const script = path.posix.join(workDir, "consumer.js");
    const ready = { kind: "tcp" as const, host: consumer.host.address, port: consumer.port };
    const label = `${consumer.host.name} consumer service`;
    const childOpts = { parent: this, dependsOn: args.dependsOn ?? [] };
    let placed: pulumi.CustomResource | undefined;
    switch (plan.target) {
      case "local":
        placed = new LocalProcess(
          `${name}-process`,
          {
            label,
            workDir,
            dirs: [],
            cleanupRoot: plan.dataDir,
            files: { [envFile]: renderEnvFile(consumer.env), [script]: serviceBundleFile() },
            // The Node.js running this program (24, from the project's dev dependencies).
            command: process.execPath,
            args: serviceNodeArgs(envFile, script, consumer.maxHeapMb),
            ready,
            readyTimeoutMs: 60_000,
          },
          childOpts,
        );
        break;
      case "ssh": {
        const privateKey = args.privateKeys?.[consumer.host.name];
        if (privateKey === undefined) throw new pulumi.RunError(`kafka-cluster:hosts: no privateKey for ${consumer.host.name}, which runs the consumer service`);
        const host = consumer.host;
        placed = new RemoteProcess(
          `${name}-service`,
          {
            label,
            connection: pulumi.secret(pulumi.output(privateKey).apply((key) => ({ host: host.address, port: host.port ?? 22, user: host.user ?? "root", privateKey: key }))),
            unit: `kafka-cluster-${pulumi.getStack()}-consumer`.replace(/[^A-Za-z0-9_.-]/g, "-"),
            serviceManager: plan.serviceManager,
            workDir,
            dirs: [],
            cleanupRoot: plan.dataDir,
            files: { [envFile]: renderEnvFile(consumer.env), [script]: serviceBundleFile() },
            command: "node",
            args: serviceNodeArgs(envFile, script, consumer.maxHeapMb),
            ready,
            readyTimeoutMs: 60_000,
          },
          childOpts,
        );
        break;
      }
      case "docker":
        placed = dockerConsumer(name, plan, consumer, { ...childOpts, parent: this });
        break;
      default: {
        const never: never = plan.target;
        throw new Error(`unknown target ${String(never)}`);
      }
    }
    // Known once the service answers on its port (create waits for that).
    this.healthUrl = placed ? placed.id.apply(() => consumer.healthUrl) : pulumi.output(undefined);
    this.registerOutputs({ healthUrl: this.healthUrl });
  }
}
