// The `local` target: each host is a loopback address on this machine; each
// ZooKeeper node and broker is a detached process with a pid file, running
// the Kafka jars that scripts/setup.sh cached.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../plan";
import { KAFKA_VERSION, kafkaLibsDir } from "../../lib/toolchain";
import { LocalProcess } from "./local-process";
import { brokerProcess, zookeeperProcess } from "./process-files";

export interface LocalTargetArgs {
  readonly plan: ClusterPlan;
  /** Directory of the Kafka jars. Default: the set-up cache. */
  readonly libsDir?: string;
}

export interface PlacedProcesses {
  /** The resources a ready check must wait for: every broker. */
  readonly brokers: pulumi.Resource[];
}

export function placeLocal(name: string, args: LocalTargetArgs, parent: pulumi.Resource): PlacedProcesses {
  const { plan } = args;
  const libsDir = args.libsDir ?? kafkaLibsDir();
  if (plan.kafkaVersion !== KAFKA_VERSION) {
    throw new pulumi.RunError(
      `kafka-cluster:kafka.version: the local target runs the Kafka that set-up installed (${KAFKA_VERSION}, toolchain.json), got "${plan.kafkaVersion}"`,
    );
  }
  if (!fs.existsSync(path.join(libsDir, ".complete"))) {
    throw new pulumi.RunError(`Kafka jars not found in ${libsDir}: run 'npm run setup' first.`);
  }

  const zookeeper = plan.zookeeper.map((z) => {
    const p = zookeeperProcess(plan, z, libsDir);
    return new LocalProcess(
      `${name}-zookeeper-${z.id}`,
      {
        label: `${z.host} zookeeper (myid ${z.id})`,
        workDir: p.workDir,
        dirs: [z.dataDir],
        cleanupRoot: plan.dataDir,
        files: p.files,
        command: p.command,
        args: p.args,
        ready: { kind: "tcp", host: z.address, port: z.clientPort },
        readyTimeoutMs: 60_000,
      },
      { parent },
    );
  });

  const brokers = plan.brokers.map((b) => {
    const p = brokerProcess(plan, b, libsDir);
    return new LocalProcess(
      `${name}-broker-${b.id}`,
      {
        label: `${b.host} kafka broker ${b.id}`,
        workDir: p.workDir,
        dirs: [b.logDir],
        cleanupRoot: plan.dataDir,
        files: p.files,
        command: p.command,
        args: p.args,
        ready: { kind: "zk-broker", zookeeperConnect: plan.zookeeperConnect, brokerId: b.id },
        readyTimeoutMs: 120_000,
      },
      // Brokers start after, and stop before, every ZooKeeper node.
      { parent, dependsOn: zookeeper },
    );
  });
  return { brokers };
}
