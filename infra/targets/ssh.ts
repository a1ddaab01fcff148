// The `ssh` target: real hosts reached over SSH. Each host gets the Kafka
// release (downloaded by the host or uploaded from here), then a ZooKeeper
// node and a broker as systemd units, or as plain processes where the host
// has no systemd.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan, PlannedHost } from "../plan";
import { brokerProcess, zookeeperProcess, type ProcessFiles } from "./process-files";
import type { Readiness } from "./readiness";
import { RemoteKafkaInstall } from "./remote-install";
import { RemoteProcess } from "./remote-process";
import type { SshConnection } from "./ssh-session";

export interface SshTargetArgs {
  readonly plan: ClusterPlan;
  /** Each host's private key by host name: secrets from stack config. */
  readonly privateKeys: Readonly<Record<string, pulumi.Input<string>>>;
}

function connection(host: PlannedHost, privateKey: pulumi.Input<string>): pulumi.Output<SshConnection> {
  return pulumi.secret(
    pulumi.output(privateKey).apply((key) => ({ host: host.address, port: host.port ?? 22, user: host.user ?? "root", privateKey: key })),
  );
}

export function placeSsh(name: string, args: SshTargetArgs, parent: pulumi.Resource): { brokers: pulumi.Resource[] } {
  const { plan } = args;
  const unitPrefix = `kafka-cluster-${pulumi.getStack()}`.replace(/[^A-Za-z0-9_.-]/g, "-");
  const hosts = new Map(
    plan.hosts.map((h) => {
      const conn = connection(h, args.privateKeys[h.name]);
      const kafkaHome = path.posix.join(plan.dataDir, h.name, `kafka_2.13-${plan.kafkaVersion}`);
      const install = new RemoteKafkaInstall(
        `${name}-install-${h.name}`,
        {
          label: `${h.name} Kafka ${plan.kafkaVersion}`,
          connection: conn,
          version: plan.kafkaVersion,
          source: plan.distribution,
          kafkaHome,
          cleanupRoot: plan.dataDir,
        },
        { parent },
      );
      return [h.name, { conn, install, libsDir: `${kafkaHome}/libs` }] as const;
    }),
  );
  interface ServiceSpec {
    readonly resource: string;
    readonly label: string;
    readonly unit: string;
    readonly host: string;
    readonly files: ProcessFiles;
    readonly dirs: string[];
    readonly ready: Readiness;
    readonly dependsOn: pulumi.Resource[];
  }
  const service = (spec: ServiceSpec): RemoteProcess => {
    const h = hosts.get(spec.host)!;
    return new RemoteProcess(
      spec.resource,
      {
        label: spec.label,
        connection: h.conn,
        unit: spec.unit,
        serviceManager: plan.serviceManager,
        workDir: spec.files.workDir,
        dirs: spec.dirs,
        cleanupRoot: plan.dataDir,
        files: spec.files.files,
        command: spec.files.command,
        args: spec.files.args,
        ready: spec.ready,
        readyTimeoutMs: 120_000,
      },
      { parent, dependsOn: [h.install, ...spec.dependsOn] },
    );
  };

  const zookeeper = plan.zookeeper.map((z) =>
    service({
      resource: `${name}-zookeeper-${z.id}`,
      label: `${z.host} zookeeper (myid ${z.id})`,
      unit: `${unitPrefix}-zookeeper`,
      host: z.host,
      files: zookeeperProcess(plan, z, hosts.get(z.host)!.libsDir),
      dirs: [z.dataDir],
      ready: { kind: "tcp", host: z.address, port: z.clientPort },
      dependsOn: [],
    }),
  );
  const brokers = plan.brokers.map((b) =>
    service({
      resource: `${name}-broker-${b.id}`,
      label: `${b.host} kafka broker ${b.id}`,
      unit: `${unitPrefix}-kafka`,
      host: b.host,
      files: brokerProcess(plan, b, hosts.get(b.host)!.libsDir),
      dirs: [b.logDir],
      ready: { kind: "zk-broker", zookeeperConnect: plan.zookeeperConnect, brokerId: b.id },
      // Brokers start after, and stop before, every ZooKeeper node.
      dependsOn: zookeeper,
    }),
  );
  return { brokers };
}
