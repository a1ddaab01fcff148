// A real ZooKeeper and three real Kafka brokers on loopback for tests and
// benchmarks. Everything lives in one temp dir and dies with this process.
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
import { fetchRawMetadata } from "../consumer/raw-metadata";
import { killGroup, killOnExit, removeOnExit } from "./exit-cleanup";
import { connectZk, readBrokerRegistrations, type BrokerRegistrations as ZkClusterState } from "../lib/zookeeper/client";

export interface TestClusterOptions {
  /**
   * First three octets of the loopback addresses; broker N listens on
   * `<prefix>.N`. Default `127.0.20`, apart from the default stack's `127.0.10`.
   */
  readonly addressPrefix?: string | undefined;
  /** Broker port on each address. Default 19092 (the stack uses 9092). */
  readonly brokerPort?: number;
  /** ZooKeeper client port on `<prefix>.1`. Default 12181 (the stack uses 2181). */
  readonly zookeeperPort?: number;
  /** How long to wait for three registered brokers and a controller. Default 90 s. */
  readonly readyTimeoutMs?: number;
  /** Extra broker settings. */
  readonly brokerSettings?: Readonly<Record<string, PropertyValue>>;
  readonly libsDir?: string;
}

export interface TestBroker {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

export interface TestCluster {
  readonly bootstrapServers: string;
  readonly zookeeperConnect: string;
  readonly brokers: readonly TestBroker[];
  readonly dir: string;
  /** Milliseconds from the first spawn to a ready cluster. */
  readonly startupMs: number;
  /** Sends a signal to one broker and waits for it to exit. */
  stopBroker(id: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped broker again and waits until ZooKeeper lists it. */
  startBroker(id: number, timeoutMs?: number): Promise<void>;
  /** Sends a signal to ZooKeeper and waits for it to exit; brokers keep running. */
  stopZookeeper(signal?: NodeJS.Signals): Promise<void>;
  /** Starts ZooKeeper again and waits until every running broker is listed and a controller is elected. */
  startZookeeper(timeoutMs?: number): Promise<void>;
  /** Stops everything and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export class ClusterStartError extends Error {
  constructor(message: string, readonly logTail: string) {
    super(logTail ? `${message}\n--- last log lines ---\n${logTail}` : message);
    this.name = "ClusterStartError";
  }
}

const BROKER_IDS = [1, 2, 3] as const;

interface Member {
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

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const prefix = options.addressPrefix ?? "127.0.20";
  const brokerPort = options.brokerPort ?? 19092;
  const zkPort = options.zookeeperPort ?? 12181;
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const libsDir = options.libsDir ?? kafkaLibsDir();
  if (!fs.existsSync(path.join(libsDir, ".complete"))) {
    throw new ClusterStartError(`Kafka jars not found in ${libsDir}; run 'npm run setup' first.`, "");
  }

  const zkHost = `${prefix}.1`;
  const zookeeperConnect = `${zkHost}:${zkPort}`;
  const brokers: TestBroker[] = BROKER_IDS.map((id) => ({ id, host: `${prefix}.${id}`, port: brokerPort }));
  await assertPortFree(zkHost, zkPort);
  for (const b of brokers) await assertPortFree(b.host, b.port);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-test-"));
  // Last resort when the process ends without stop(). The JVMs also carry a
  // parent-death signal (setpriv), so even a SIGKILL of this process frees them.
  const dirRemoved = removeOnExit(dir);
  const members = new Map<string, Member>();

  const member = (name: string, role: "zookeeper" | "kafka", configText: string, heap: string): Member => {
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
    const m: Member = { name, logFile, start };
    members.set(name, m);
    return m;
  };

  const zk = member(
    "zookeeper",
    "zookeeper",
    renderZooCfg({ dataDir: path.join(dir, "zookeeper"), clientAddress: zkHost, clientPort: zkPort }),
    "256m",
  );
  const brokerMembers = brokers.map((b) =>
    member(
      `broker-${b.id}`,
      "kafka",
      renderServerProperties({
        id: b.id,
        host: b.host,
        port: b.port,
        zookeeperConnect,
        logDir: path.join(dir, `broker-${b.id}-data`),
        settings: {
          // Tests start consumer groups at once; no need to wait for more members.
          "group.initial.rebalance.delay.ms": 0,
          "offsets.topic.num.partitions": 10,
          ...(options.brokerSettings ?? {}),
        },
      }),
      "512m",
    ),
  );

  const stopMember = async (m: Member, signal: NodeJS.Signals, graceMs: number): Promise<void> => {
    const child = m.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    killGroup(child, signal);
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Brokers first (a controlled shutdown needs ZooKeeper), then ZooKeeper.
    await Promise.all(brokerMembers.map((m) => stopMember(m, "SIGTERM", 15_000)));
    await stopMember(zk, "SIGTERM", 5_000);
    fs.rmSync(dir, { recursive: true, force: true });
    dirRemoved();
  };

  const waitFor = async (
    what: string,
    timeoutMs: number,
    ready: (state: ZkClusterState) => boolean,
    watched: readonly Member[],
  ): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let last: ZkClusterState | undefined;
    let lastError = "";
    let client: Awaited<ReturnType<typeof connectZk>> | undefined;
    try {
      for (;;) {
        const dead = watched.find((m) => m.child && (m.child.exitCode !== null || m.child.signalCode !== null));
        if (dead) throw new ClusterStartError(`${dead.name} exited while waiting for ${what}`, tail(dead.logFile));
        try {
          client ??= await connectZk(zookeeperConnect, { timeoutMs: 2_000, spinDelayMs: 100 });
          last = await readBrokerRegistrations(client);
          if (ready(last)) return;
        } catch (err) {
          lastError = (err as Error).message;
          client?.close();
          client = undefined;
        }
        if (Date.now() > deadline) {
          const seen = last ? `brokers ${JSON.stringify(last.brokerIds)}, controller ${last.controller}` : lastError;
          throw new ClusterStartError(`timed out after ${timeoutMs} ms waiting for ${what} (saw ${seen})`, "");
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      client?.close();
    }
  };

  /**
   * Waits until each of `ids` answers a metadata request naming every running
   * broker and a controller: brokers learn both from the controller a moment
   * after ZooKeeper lists them, and a client asking in that moment fails
   * (kafkajs: "Broker -1 not found in the cached metadata").
   */
  const waitForMetadata = async (ids: readonly number[], running: readonly number[], timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (const id of ids) {
      const b = brokers.find((x) => x.id === id)!;
      let seen = "no answer";
      for (;;) {
        const md = await fetchRawMetadata(b.host, b.port, [], "test-harness", 2_000).catch((err: Error) => err);
        if (!(md instanceof Error)) {
          const known = md.brokers.map((x) => x.nodeId);
          if (md.controllerId >= 0 && running.every((r) => known.includes(r))) break;
          seen = `brokers [${known.sort().join(", ")}], controller ${md.controllerId}`;
        } else seen = md.message;
        if (Date.now() > deadline) throw new ClusterStartError(`timed out after ${timeoutMs} ms waiting for broker ${id}'s metadata to name brokers ${running.join(", ")} and a controller (saw ${seen})`, "");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const started = Date.now();
  try {
    zk.child = zk.start();
    for (const m of brokerMembers) m.child = m.start();
    await waitFor(
      "ZooKeeper to list brokers 1, 2, 3 and a controller",
      readyTimeoutMs,
      (s) => BROKER_IDS.every((id) => s.brokerIds.includes(id)) && s.controller !== null,
      [...members.values()],
    );
    await waitForMetadata(BROKER_IDS, BROKER_IDS, readyTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  const startupMs = Date.now() - started;

  const brokerMember = (id: number): Member => {
    const m = brokerMembers[BROKER_IDS.indexOf(id as (typeof BROKER_IDS)[number])];
    if (!m) throw new Error(`no broker ${id}; brokers are ${BROKER_IDS.join(", ")}`);
    return m;
  };

  return {
    bootstrapServers: brokers.map((b) => `${b.host}:${b.port}`).join(","),
    zookeeperConnect,
    brokers,
    dir,
    startupMs,
    stopBroker: (id, signal = "SIGTERM") => stopMember(brokerMember(id), signal, 15_000),
    startBroker: async (id, timeoutMs = 60_000) => {
      const m = brokerMember(id);
      if (m.child && m.child.exitCode === null && m.child.signalCode === null) return;
      m.child = m.start();
      await waitFor(`broker ${id} to register`, timeoutMs, (s) => s.brokerIds.includes(id), [m]);
      await waitForMetadata([id], [id], timeoutMs);
    },
    stopZookeeper: (signal = "SIGTERM") => stopMember(zk, signal, 15_000),
    startZookeeper: async (timeoutMs = 60_000) => {
      if (zk.child && zk.child.exitCode === null && zk.child.signalCode === null) return;
      zk.child = zk.start();
      const running = BROKER_IDS.filter((id) => {
        const c = brokerMember(id).child;
        return c !== undefined && c.exitCode === null && c.signalCode === null;
      });
      await waitFor(
        `ZooKeeper to list brokers ${running.join(", ")} and a controller`,
        timeoutMs,
        (s) => running.every((id) => s.brokerIds.includes(id)) && s.controller !== null,
        [zk],
      );
    },
    stop,
  };
}
