// The `local` target: each host is a loopback address on this machine; each
// ZooKeeper node and broker is a detached process with a pid file, running
// the Kafka jars that scripts/setup.sh cached.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan, PlannedBroker, PlannedZooKeeperNode } from "../plan";
import { renderJavaCommand, renderLog4j, renderServerProperties, renderZooCfg } from "../render";
import { KAFKA_VERSION, kafkaLibsDir } from "../toolchain";
import { LocalProcess } from "./local-process";

export interface LocalTargetArgs {
  readonly plan: ClusterPlan;
  /** Directory of the Kafka jars. Default: the set-up cache. */
  readonly libsDir?: string;
}

export interface PlacedProcesses {
  /** The resources a ready check must wait for: every broker. */
  readonly brokers: pulumi.Resource[];
}

interface ProcessFiles {
  readonly workDir: string;
  readonly configFile: string;
  readonly files: Record<string, string>;
  readonly args: string[];
}

function processFiles(
  role: "zookeeper" | "kafka",
  workDir: string,
  config: string,
  heap: string,
  libsDir: string,
): ProcessFiles {
  const configFile = path.join(workDir, role === "kafka" ? "server.properties" : "zoo.cfg");
  const log4jFile = path.join(workDir, "log4j.properties");
  const { args } = renderJavaCommand({ role, libsDir, configFile, log4jFile, heap });
  return {
    workDir,
    configFile,
    files: { [configFile]: config, [log4jFile]: renderLog4j(path.join(workDir, `${role}.log`)) },
    args,
  };
}

function zookeeperProcess(plan: ClusterPlan, z: PlannedZooKeeperNode, libsDir: string): ProcessFiles {
  const workDir = path.join(plan.dataDir, z.host, "run", "zookeeper");
  const ensemble = plan.zookeeper.length > 1;
  const cfg = renderZooCfg({
    dataDir: z.dataDir,
    clientAddress: z.address,
    clientPort: z.clientPort,
    servers: plan.zookeeper.map((n) => ({ id: n.id, host: n.address, peerPort: n.peerPort, electionPort: n.electionPort })),
  });
  const p = processFiles("zookeeper", workDir, cfg, "256m", libsDir);
  return ensemble ? { ...p, files: { ...p.files, [path.join(z.dataDir, "myid")]: `${z.id}\n` } } : p;
}

function brokerProcess(plan: ClusterPlan, b: PlannedBroker, libsDir: string): ProcessFiles {
  const workDir = path.join(plan.dataDir, b.host, "run", "kafka");
  const props = renderServerProperties({
    id: b.id,
    host: b.address,
    port: b.port,
    zookeeperConnect: plan.zookeeperConnect,
    logDir: b.logDir,
    settings: plan.brokerSettings,
  });
  return processFiles("kafka", workDir, props, plan.heap, libsDir);
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
        command: "java",
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
        command: "java",
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
