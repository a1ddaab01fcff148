// What a process placed on a host runs with (the local and ssh targets): its
// files, command line, directories and ready check, all rendered from the
// plan. ZooKeeper and the brokers run from a directory of Kafka jars; a
// service is one JavaScript file run by Node.js.
import * as path from "node:path";
import type { ClusterPlan, PlannedBroker, PlannedZooKeeperNode } from "../plan";
import { renderEnvFile, renderJavaCommand, renderLog4j, renderNodeArgs } from "../render";
import { renderServerProperties, renderZooCfg } from "../render";
import { LIVE_BROKER_SETTINGS } from "../live-settings";
import { rollSpecOf } from "../roll/spec";
import { processLabel, workDirOf } from "./names";
import type { ProcessInputs } from "./process-spec";
import type { Readiness } from "./readiness";
import type { ProcessSpec, ProgramSpec, ServiceSpec } from "./target";

export interface ProcessFiles {
  /** Holds config, pid file and process output. */
  readonly workDir: string;
  /** Files to write: absolute path to content. */
  readonly files: ProcessInputs["files"];
  readonly command: string;
  readonly args: string[];
}

/** What a host offers its processes. */
export interface HostRuntime {
  /** The Kafka jars on that host (for ZooKeeper and brokers). */
  readonly libsDir?: string;
  /** The Node.js command there (for services). */
  readonly node: string;
}

/** Everything a process provider needs but its ready timeout, which is the target's. */
export type HostProcess = Omit<ProcessInputs, "readyTimeoutMs">;

function javaProcess(
  role: "zookeeper" | "kafka",
  workDir: string,
  config: string,
  heap: string,
  libsDir: string,
): ProcessFiles {
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
  const workDir = workDirOf(plan.dataDir, { role: "zookeeper", node: z });
  const cfg = renderZooCfg({
    dataDir: z.dataDir,
    clientAddress: z.address,
    clientPort: z.clientPort,
    servers: plan.zookeeper.map((n) => ({
      id: n.id,
      host: n.address,
      peerPort: n.peerPort,
      electionPort: n.electionPort,
    })),
  });
  const p = javaProcess("zookeeper", workDir, cfg, "256m", libsDir);
  // An ensemble member finds its own server line through myid.
  return plan.zookeeper.length > 1
    ? { ...p, files: { ...p.files, [path.posix.join(z.dataDir, "myid")]: `${z.id}\n` } }
    : p;
}

export function brokerProcess(plan: ClusterPlan, b: PlannedBroker, libsDir: string): ProcessFiles {
  const workDir = workDirOf(plan.dataDir, { role: "broker", broker: b });
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

/** A service's env file and script in its work directory, run by `node`. */
export function serviceProcess(plan: ClusterPlan, spec: ServiceSpec, node: string): ProcessFiles {
  const workDir = workDirOf(plan.dataDir, spec);
  const envFile = path.posix.join(workDir, `${spec.service}.env`);
  const script = path.posix.join(workDir, `${spec.service}.js`);
  const { bootstrapServers, zookeeperConnect } = plan;
  const env = spec.env({ bootstrapServers, zookeeperConnect, listenAddress: spec.host.address });
  return {
    workDir,
    files: { [envFile]: renderEnvFile(env, `${spec.service} service`), [script]: spec.script },
    command: node,
    args: renderNodeArgs(spec.nodeFlags, envFile, script),
  };
}

/** An installed program, its files rendered into its work directory. */
export function programProcess(plan: ClusterPlan, spec: ProgramSpec): ProcessFiles {
  const workDir = workDirOf(plan.dataDir, spec);
  const files = Object.fromEntries(
    Object.entries(spec.files(workDir)).map(([name, content]) => [path.posix.join(workDir, name), content]),
  );
  return { workDir, files, command: spec.command, args: spec.args(workDir) };
}

function readinessOf(plan: ClusterPlan, spec: ProcessSpec): Readiness {
  switch (spec.role) {
    case "zookeeper":
      return { kind: "tcp", host: spec.node.address, port: spec.node.clientPort };
    case "broker":
      return { kind: "zk-broker", zookeeperConnect: plan.zookeeperConnect, brokerId: spec.broker.id };
    case "service":
    case "program":
      return { kind: "tcp", host: spec.host.address, port: spec.port };
  }
}

/** Where the process listens: ZooKeeper's client port, the broker's and the service's port. */
function listensOf(spec: ProcessSpec): ProcessInputs["listens"] {
  switch (spec.role) {
    case "zookeeper":
      return [{ host: spec.node.address, port: spec.node.clientPort }];
    case "broker":
      return [{ host: spec.broker.address, port: spec.broker.port }];
    case "service":
    case "program":
      return [{ host: spec.host.address, port: spec.port }];
  }
}

function requireLibs(runtime: HostRuntime, spec: ProcessSpec): string {
  if (runtime.libsDir === undefined) {
    throw new Error(`${processLabel(spec)}: no Kafka release on its host (installRelease first)`);
  }
  return runtime.libsDir;
}

/** The inputs of the process provider (LocalProcess, RemoteProcess) that runs `spec` on a host. */
export function hostProcess(plan: ClusterPlan, spec: ProcessSpec, runtime: HostRuntime): HostProcess {
  const p =
    spec.role === "zookeeper"
      ? zookeeperProcess(plan, spec.node, requireLibs(runtime, spec))
      : spec.role === "broker"
        ? brokerProcess(plan, spec.broker, requireLibs(runtime, spec))
        : spec.role === "service"
          ? serviceProcess(plan, spec, runtime.node)
          : programProcess(plan, spec);
  const dirs = spec.role === "zookeeper" ? [spec.node.dataDir] : spec.role === "broker" ? [spec.broker.logDir] : [];
  const roll = rollSpecOf(
    plan,
    spec.role === "zookeeper"
      ? { role: "zookeeper", id: spec.node.id }
      : spec.role === "broker"
        ? { role: "broker", id: spec.broker.id }
        : { role: "service" },
  );
  return {
    label: processLabel(spec),
    workDir: p.workDir,
    dirs,
    cleanupRoot: plan.dataDir,
    files: p.files,
    command: p.command,
    args: p.args,
    ready: readinessOf(plan, spec),
    listens: listensOf(spec),
    ...(spec.role === "broker" ? { liveKeys: [...LIVE_BROKER_SETTINGS] } : {}),
    ...(roll ? { roll } : {}),
  };
}
