// What each ZooKeeper node and broker runs with, for targets that run Java
// processes from a directory of Kafka jars (local and ssh): config files and
// the java command line, all rendered from the plan.
import * as path from "node:path";
import type { ClusterPlan, PlannedBroker, PlannedZooKeeperNode } from "../plan";
import { renderJavaCommand, renderLog4j, renderServerProperties, renderZooCfg } from "../render";

export interface ProcessFiles {
  /** Holds config, pid file and process output. */
  readonly workDir: string;
  /** Files to write: absolute path to content. */
  readonly files: Record<string, string>;
  readonly command: string;
  readonly args: string[];
}

function javaProcess(role: "zookeeper" | "kafka", workDir: string, config: string, heap: string, libsDir: string): ProcessFiles {
  const configFile = path.posix.join(workDir, role === "kafka" ? "server.properties" : "zoo.cfg");
  const log4jFile = path.posix.join(workDir, "log4j.properties");
  const { command, args } = renderJavaCommand({ role, libsDir, configFile, log4jFile, heap });
  return {
    workDir,
    files: { [configFile]: config, [log4jFile]: renderLog4j(path.posix.join(workDir, `${role}.log`)) },
    command,
    args,
  };
}

export function zookeeperProcess(plan: ClusterPlan, z: PlannedZooKeeperNode, libsDir: string): ProcessFiles {
  const workDir = path.posix.join(plan.dataDir, z.host, "run", "zookeeper");
  const cfg = renderZooCfg({
    dataDir: z.dataDir,
    clientAddress: z.address,
    clientPort: z.clientPort,
    servers: plan.zookeeper.map((n) => ({ id: n.id, host: n.address, peerPort: n.peerPort, electionPort: n.electionPort })),
  });
  const p = javaProcess("zookeeper", workDir, cfg, "256m", libsDir);
  // An ensemble member finds its own server line through myid.
  return plan.zookeeper.length > 1 ? { ...p, files: { ...p.files, [path.posix.join(z.dataDir, "myid")]: `${z.id}\n` } } : p;
}

export function brokerProcess(plan: ClusterPlan, b: PlannedBroker, libsDir: string): ProcessFiles {
  const workDir = path.posix.join(plan.dataDir, b.host, "run", "kafka");
  const props = renderServerProperties({
    id: b.id,
    host: b.address,
    port: b.port,
    zookeeperConnect: plan.zookeeperConnect,
    logDir: b.logDir,
    settings: plan.brokerSettings,
  });
  return javaProcess("kafka", workDir, props, plan.heap, libsDir);
}
