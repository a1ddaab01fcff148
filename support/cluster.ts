// A real ZooKeeper and three real Kafka brokers on loopback for tests and
// benchmarks. Everything lives in one temp dir and dies with this process.
import * as fs from "node:fs";
import type { PropertyValue } from "../infra/render";
import { fetchRawMetadata } from "../lib/kafka/raw-metadata";
import { done, notYet, pollUntil } from "../lib/poll";
import { killGroup } from "./exit-cleanup";
import { connectZk, readBrokerRegistrations, type BrokerRegistrations, type ZkClient } from "../lib/zookeeper/client";
import {
  BROKER_IDS,
  brokerMember,
  ClusterStartError,
  isRunning,
  prepareLayout,
  stopMember,
  tail,
  zookeeperMember,
  type Layout,
  type Member,
  type TestBroker,
} from "./cluster-members";

export { ClusterStartError, type TestBroker };

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

export interface TestCluster {
  readonly bootstrapServers: string;
  readonly zookeeperConnect: string;
  readonly brokers: readonly TestBroker[];
  readonly dir: string;
  /** Milliseconds from the first spawn to a ready cluster. */
  readonly startupMs: number;
  /** Sends a signal to one broker and waits for it to exit. */
  stopBroker(id: number, signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal to one broker's process group and returns at once (SIGSTOP/SIGCONT: a hung broker). */
  signalBroker(id: number, signal: NodeJS.Signals): void;
  /** Starts a stopped broker again and waits until ZooKeeper lists it. */
  startBroker(id: number, timeoutMs?: number): Promise<void>;
  /** Sends a signal to ZooKeeper and waits for it to exit; brokers keep running. */
  stopZookeeper(signal?: NodeJS.Signals): Promise<void>;
  /** Starts ZooKeeper again and waits until every running broker is listed and a controller is elected. */
  startZookeeper(timeoutMs?: number): Promise<void>;
  /** Stops everything and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const timedOut = (what: string, timeoutMs: number, seen: string): ClusterStartError =>
  new ClusterStartError(`timed out after ${timeoutMs} ms waiting for ${what} (saw ${seen})`, "");

/**
 * Polls ZooKeeper every 100 ms (one session, made again after an error) until
 * `ready` holds; fails at once when one of `watched` exits.
 */
async function waitForRegistrations(
  zookeeperConnect: string,
  what: string,
  timeoutMs: number,
  ready: (state: BrokerRegistrations) => boolean,
  watched: readonly Member[],
): Promise<void> {
  let client: ZkClient | undefined;
  let last: BrokerRegistrations | undefined;
  const attempt = async () => {
    try {
      client ??= await connectZk(zookeeperConnect, { timeoutMs: 2_000, spinDelayMs: 100 });
      last = await readBrokerRegistrations(client);
      if (ready(last)) return done(undefined);
      return notYet(`brokers ${JSON.stringify(last.brokerIds)}, controller ${last.controller}`);
    } catch (err) {
      client?.close();
      client = undefined;
      // What ZooKeeper last said beats why the latest read failed.
      return notYet(last ? undefined : (err as Error).message);
    }
  };
  try {
    await pollUntil(attempt, {
      timeoutMs,
      intervalMs: 100,
      what,
      abort: () => {
        const dead = watched.find((m) => m.child && !isRunning(m));
        if (!dead) return undefined;
        return new ClusterStartError(`${dead.name} exited while waiting for ${what}`, tail(dead.logFile));
      },
      timeoutError: (seen) => timedOut(what, timeoutMs, seen),
    });
  } finally {
    client?.close();
  }
}

/**
 * Waits until each of `brokers` answers a metadata request naming every
 * running broker and a controller: brokers learn both from the controller a
 * moment after ZooKeeper lists them, and a client asking in that moment fails
 * (kafkajs: "Broker -1 not found in the cached metadata"). One deadline for all.
 */
async function waitForMetadata(
  brokers: readonly TestBroker[],
  running: readonly number[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const b of brokers) {
    const what = `broker ${b.id}'s metadata to name brokers ${running.join(", ")} and a controller`;
    const attempt = async () => {
      const md = await fetchRawMetadata(b.host, b.port, [], "test-harness", 2_000).catch((err: Error) => err);
      if (md instanceof Error) return notYet(md.message);
      const known = md.brokers.map((x) => x.nodeId);
      if (md.controllerId >= 0 && running.every((r) => known.includes(r))) return done(undefined);
      return notYet(`brokers [${known.sort().join(", ")}], controller ${md.controllerId}`);
    };
    await pollUntil(attempt, {
      timeoutMs: Math.max(0, deadline - Date.now()),
      intervalMs: 100,
      what,
      timeoutError: (seen) => timedOut(what, timeoutMs, seen),
    });
  }
}

/** The cluster's processes and how to stop them all. */
interface Members {
  readonly zookeeper: Member;
  readonly brokers: ReadonlyMap<number, Member>;
}

/** Brokers first (a controlled shutdown needs ZooKeeper), then ZooKeeper, then the temp dir; once. */
function stopper(layout: Layout, members: Members): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all([...members.brokers.values()].map((m) => stopMember(m, "SIGTERM", 15_000)));
    await stopMember(members.zookeeper, "SIGTERM", 5_000);
    fs.rmSync(layout.dir, { recursive: true, force: true });
    layout.dirRemoved();
  };
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const layout = await prepareLayout(options);
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const members: Members = {
    zookeeper: zookeeperMember(layout),
    brokers: new Map(layout.brokers.map((b) => [b.id, brokerMember(layout, b, options.brokerSettings ?? {})])),
  };
  const stop = stopper(layout, members);
  const started = Date.now();
  try {
    for (const m of [members.zookeeper, ...members.brokers.values()]) m.child = m.start();
    await waitForRegistrations(
      layout.zookeeperConnect,
      `ZooKeeper to list brokers ${BROKER_IDS.join(", ")} and a controller`,
      readyTimeoutMs,
      (s) => BROKER_IDS.every((id) => s.brokerIds.includes(id)) && s.controller !== null,
      [members.zookeeper, ...members.brokers.values()],
    );
    await waitForMetadata(layout.brokers, BROKER_IDS, readyTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return clusterHandle(layout, members, stop, Date.now() - started);
}

/** The running cluster's handle: stop and start its members one at a time. */
function clusterHandle(layout: Layout, members: Members, stop: () => Promise<void>, startupMs: number): TestCluster {
  const { zookeeperConnect, brokers } = layout;
  const zk = members.zookeeper;
  const brokerNamed = (id: number): Member => {
    const m = members.brokers.get(id);
    if (!m) throw new Error(`no broker ${id}; brokers are ${BROKER_IDS.join(", ")}`);
    return m;
  };
  return {
    bootstrapServers: brokers.map((b) => `${b.host}:${b.port}`).join(","),
    zookeeperConnect,
    brokers,
    dir: layout.dir,
    startupMs,
    stopBroker: (id, signal = "SIGTERM") => stopMember(brokerNamed(id), signal, 15_000),
    signalBroker: (id, signal) => {
      const child = brokerNamed(id).child;
      if (child) killGroup(child, signal);
    },
    startBroker: async (id, timeoutMs = 60_000) => {
      const m = brokerNamed(id);
      if (isRunning(m)) return;
      m.child = m.start();
      const registered = (s: BrokerRegistrations): boolean => s.brokerIds.includes(id);
      await waitForRegistrations(zookeeperConnect, `broker ${id} to register`, timeoutMs, registered, [m]);
      await waitForMetadata(
        brokers.filter((b) => b.id === id),
        [id],
        timeoutMs,
      );
    },
    stopZookeeper: (signal = "SIGTERM") => stopMember(zk, signal, 15_000),
    startZookeeper: async (timeoutMs = 60_000) => {
      if (isRunning(zk)) return;
      zk.child = zk.start();
      const running = BROKER_IDS.filter((id) => isRunning(brokerNamed(id)));
      const what = `ZooKeeper to list brokers ${running.join(", ")} and a controller`;
      const ready = (s: BrokerRegistrations): boolean =>
        running.every((id) => s.brokerIds.includes(id)) && s.controller !== null;
      await waitForRegistrations(zookeeperConnect, what, timeoutMs, ready, [zk]);
    },
    stop,
  };
}
