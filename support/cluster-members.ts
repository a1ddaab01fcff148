// The test cluster's processes: where they live (loopback addresses, a temp
// dir), their config files, and how each JVM is started and stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { kafkaLibsDir } from "../lib/toolchain";
import {
  renderJavaCommand,
  renderLog4j,
  renderServerProperties,
  renderZooCfg,
  type PropertyValue,
} from "../infra/render";
import { killGroup, killOnExit, removeOnExit } from "./exit-cleanup";

export interface TestBroker {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

/** How startTestCluster places the cluster (see TestClusterOptions). */
export interface LayoutOptions {
  readonly addressPrefix?: string | undefined;
  readonly brokerPort?: number;
  readonly zookeeperPort?: number;
  readonly libsDir?: string;
}

export class ClusterStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\n--- last log lines ---\n${logTail}` : message);
    this.name = "ClusterStartError";
  }
}

export const BROKER_IDS = [1, 2, 3] as const;

export interface Member {
  readonly name: string;
  readonly logFile: string;
  readonly start: () => ChildProcess;
  child?: ChildProcess;
}

async function assertPortFree(host: string, port: number): Promise<void> {
  const server = net.createServer();
  try {
    server.listen(port, host);
    await once(server, "listening");
  } catch (err) {
    throw new ClusterStartError(
      `${host}:${port} is not free (${(err as Error).message}); is another test cluster still running? ` +
        "Look for it with: pgrep -af 'kafka\\.Kafka|QuorumPeerMain'",
      "",
    );
  } finally {
    server.close();
  }
}

export function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Where the cluster lives: addresses, ports, the temp dir and the jars. */
export interface Layout {
  readonly dir: string;
  readonly libsDir: string;
  readonly zkHost: string;
  readonly zkPort: number;
  readonly zookeeperConnect: string;
  readonly brokers: readonly TestBroker[];
  /** Removes the temp dir's exit hook (stop() removed the dir itself). */
  readonly dirRemoved: () => void;
}

export async function prepareLayout(options: LayoutOptions): Promise<Layout> {
  const prefix = options.addressPrefix ?? "127.0.20";
  const brokerPort = options.brokerPort ?? 19092;
  const zkPort = options.zookeeperPort ?? 12181;
  const libsDir = options.libsDir ?? kafkaLibsDir();
  if (!fs.existsSync(path.join(libsDir, ".complete"))) {
    throw new ClusterStartError(`Kafka jars not found in ${libsDir}; run 'npm run setup' first.`, "");
  }
  const zkHost = `${prefix}.1`;
  const brokers: TestBroker[] = BROKER_IDS.map((id) => ({ id, host: `${prefix}.${id}`, port: brokerPort }));
  await assertPortFree(zkHost, zkPort);
  for (const b of brokers) await assertPortFree(b.host, b.port);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-test-"));
  // Last resort when the process ends without stop(). The JVMs also carry a
  // parent-death signal (setpriv), so even a SIGKILL of this process frees them.
  const dirRemoved = removeOnExit(dir);
  return { dir, libsDir, zkHost, zkPort, zookeeperConnect: `${zkHost}:${zkPort}`, brokers, dirRemoved };
}

/** A ZooKeeper or Kafka JVM: its config and log4j files written, started (again) by start(). */
export function member(
  layout: Pick<Layout, "dir" | "libsDir">,
  name: string,
  role: "zookeeper" | "kafka",
  configText: string,
  heap: string,
): Member {
  const { dir, libsDir } = layout;
  const configFile = path.join(dir, `${name}.properties`);
  const log4jFile = path.join(dir, `${name}.log4j.properties`);
  const logFile = path.join(dir, `${name}.log`);
  fs.writeFileSync(configFile, configText);
  fs.writeFileSync(log4jFile, renderLog4j(logFile));
  const java = renderJavaCommand({ role, libsDir, configFile, log4jFile, heap, fastStart: true });
  const start = (): ChildProcess => {
    const out = fs.openSync(path.join(dir, `${name}.out`), "a");
    const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", java.command, ...java.args], {
      cwd: dir,
      detached: true, // own process group, so a signal reaches the whole JVM
      stdio: ["ignore", out, out],
    });
    fs.closeSync(out);
    killOnExit(child);
    return child;
  };
  return { name, logFile, start };
}

export function zookeeperMember(layout: Layout): Member {
  const dataDir = path.join(layout.dir, "zookeeper");
  const zooCfg = renderZooCfg({ dataDir, clientAddress: layout.zkHost, clientPort: layout.zkPort });
  return member(layout, "zookeeper", "zookeeper", zooCfg, "256m");
}

export function brokerMember(layout: Layout, b: TestBroker, extra: Readonly<Record<string, PropertyValue>>): Member {
  const properties = renderServerProperties({
    id: b.id,
    host: b.host,
    port: b.port,
    zookeeperConnect: layout.zookeeperConnect,
    logDir: path.join(layout.dir, `broker-${b.id}-data`),
    settings: {
      // Tests start consumer groups at once; no need to wait for more members.
      "group.initial.rebalance.delay.ms": 0,
      "offsets.topic.num.partitions": 10,
      ...extra,
    },
  });
  return member(layout, `broker-${b.id}`, "kafka", properties, "512m");
}

export const isRunning = (m: Member): boolean =>
  m.child !== undefined && m.child.exitCode === null && m.child.signalCode === null;

/** Signals the member's process group; SIGKILL after graceMs. */
export async function stopMember(m: Member, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const child = m.child;
  if (!child || !isRunning(m)) return;
  const exited = once(child, "exit");
  killGroup(child, signal);
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
