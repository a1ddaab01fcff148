// The one way the project talks to ZooKeeper: node-zookeeper-client with its
// fix applied (client-fix.ts), and promise helpers for what callers read.
//
// Dynamic providers that Pulumi serializes (readiness, cluster-ready) call
// this, so every function requires the client inside itself and the module
// holds no state; it imports only types and client-fix.ts (written the same
// way). Pulumi serializes what a provider calls from here along with it.
import type * as zookeeper from "node-zookeeper-client";
import { fixZookeeperClient } from "./client-fix";

export type ZkClient = zookeeper.Client;
export type ZkWatcher = (event: zookeeper.Event) => void;

export interface ZkClientOptions {
  /** Default 6 s. */
  readonly sessionTimeoutMs?: number;
  /** Pause between connection attempts. Default 200 ms. */
  readonly spinDelayMs?: number;
  /** Retries of a request on connection loss. Default 0. */
  readonly retries?: number;
}

export interface ZkConnectOptions extends ZkClientOptions {
  /** Give up connecting after this long. */
  readonly timeoutMs: number;
}

const unreachable = (connect: string, timeoutMs: number): string =>
  `could not connect to ZooKeeper at ${connect} within ${timeoutMs} ms`;

/** ZooKeeper did not accept a session in time; it may be starting, so trying again can help. */
export class ZooKeeperUnreachableError extends Error {
  readonly retriable = true;
  constructor(
    readonly connect: string,
    readonly timeoutMs: number,
  ) {
    super(unreachable(connect, timeoutMs));
    this.message ||= unreachable(connect, timeoutMs); // serialized, Error sets no message (lib/poll.ts)
    this.name = "ZooKeeperUnreachableError";
  }
}

/**
 * A read ZooKeeper did not answer in time. The client queues a request made
 * while it is disconnected until it reconnects, which may be never: every
 * read here has a deadline (default 10 s), so a caller retries or reports
 * instead of waiting for good.
 */
export class ZooKeeperTimeoutError extends Error {
  readonly retriable = true;
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`ZooKeeper did not answer a read of ${path} within ${timeoutMs} ms`);
    this.message ||= `ZooKeeper did not answer a read of ${path} within ${timeoutMs} ms`; // serialized: see above
    this.name = "ZooKeeperTimeoutError";
  }
}

/** Runs a request whose callback settles it; rejects with ZooKeeperTimeoutError if it has not after `timeoutMs`. */
function withDeadline<T>(
  path: string,
  timeoutMs: number,
  run: (resolve: (v: T | Promise<T>) => void, reject: (err: unknown) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ZooKeeperTimeoutError(path, timeoutMs)), timeoutMs);
    run(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** A client (fix applied), not yet connected: for callers that follow its state events themselves. */
export function createZkClient(connect: string, opts: ZkClientOptions = {}): ZkClient {
  fixZookeeperClient();
  const zk = require("node-zookeeper-client") as typeof import("node-zookeeper-client");
  return zk.createClient(connect, {
    sessionTimeout: opts.sessionTimeoutMs ?? 6_000,
    spinDelay: opts.spinDelayMs ?? 200,
    retries: opts.retries ?? 0,
  });
}

/** A connected client, or ZooKeeperUnreachableError after `timeoutMs` (the client is closed then). */
export function connectZk(connect: string, opts: ZkConnectOptions): Promise<ZkClient> {
  const client = createZkClient(connect, opts);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new ZooKeeperUnreachableError(connect, opts.timeoutMs));
    }, opts.timeoutMs);
    client.once("connected", () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

/** Connects, runs `use`, closes. */
export async function withZk<T>(
  connect: string,
  opts: ZkConnectOptions,
  use: (client: ZkClient) => Promise<T>,
): Promise<T> {
  const client = await connectZk(connect, opts);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export function isNoNode(err: unknown): boolean {
  const zk = require("node-zookeeper-client") as typeof import("node-zookeeper-client");
  return (err as { code?: number } | null)?.code === zk.Exception.NO_NODE;
}

/** Whether the node exists. */
export function exists(client: ZkClient, path: string, timeoutMs = 10_000): Promise<boolean> {
  return withDeadline(path, timeoutMs, (resolve, reject) =>
    client.exists(path, (err, stat) => (err ? reject(err) : resolve(!!stat))),
  );
}

/**
 * A missing node's read: null, and with a watcher, an exists-watch armed so
 * the watcher fires when the node appears (read again if it appeared meanwhile).
 */
function whenMissing<T>(
  client: ZkClient,
  path: string,
  watcher: ZkWatcher | undefined,
  again: () => Promise<T | null>,
  timeoutMs: number,
): Promise<T | null> {
  if (!watcher) return Promise.resolve(null);
  return withDeadline<T | null>(path, timeoutMs, (resolve, reject) =>
    client.exists(path, watcher, (err, stat) => (err ? reject(err) : stat ? resolve(again()) : resolve(null))),
  );
}

/** The node's children; null when it does not exist. A watcher is armed on the node (or its creation). */
export function getChildren(
  client: ZkClient,
  path: string,
  watcher?: ZkWatcher,
  timeoutMs = 10_000,
): Promise<string[] | null> {
  return withDeadline<string[] | null>(path, timeoutMs, (resolve, reject) => {
    const answer = (err: Error | zookeeper.Exception | null, children: string[]): void => {
      if (!err) return resolve(children);
      if (!isNoNode(err)) return reject(err);
      resolve(whenMissing(client, path, watcher, () => getChildren(client, path, watcher, timeoutMs), timeoutMs));
    };
    if (watcher) client.getChildren(path, watcher, answer);
    else client.getChildren(path, answer);
  });
}

/** The node's data as UTF-8 ("" when it has none); null when it does not exist. Watchers and deadline as getChildren. */
export function getData(
  client: ZkClient,
  path: string,
  watcher?: ZkWatcher,
  timeoutMs = 10_000,
): Promise<string | null> {
  return withDeadline<string | null>(path, timeoutMs, (resolve, reject) => {
    const answer = (err: Error | zookeeper.Exception | null, data: Buffer | undefined): void => {
      if (!err) return resolve(data ? data.toString("utf8") : "");
      if (!isNoNode(err)) return reject(err);
      resolve(whenMissing(client, path, watcher, () => getData(client, path, watcher, timeoutMs), timeoutMs));
    };
    if (watcher) client.getData(path, watcher, answer);
    else client.getData(path, answer);
  });
}

/** The node's data parsed as JSON; null when it does not exist or is empty. */
export async function getJson<T>(
  client: ZkClient,
  path: string,
  watcher?: ZkWatcher,
  timeoutMs = 10_000,
): Promise<T | null> {
  const text = await getData(client, path, watcher, timeoutMs);
  return text ? (JSON.parse(text) as T) : null;
}

/** What Kafka registers in ZooKeeper about its brokers. */
export interface BrokerRegistrations {
  /** Children of /brokers/ids, sorted. */
  readonly brokerIds: number[];
  /** /controller's broker id, or null when there is none. */
  readonly controller: number | null;
}

export async function readBrokerRegistrations(client: ZkClient): Promise<BrokerRegistrations> {
  const [ids, controller] = await Promise.all([
    getChildren(client, "/brokers/ids"),
    getJson<{ brokerid: number }>(client, "/controller"),
  ]);
  return { brokerIds: (ids ?? []).map(Number).sort((a, b) => a - b), controller: controller?.brokerid ?? null };
}

/** Creates `path` and its missing parents as persistent nodes; an existing node is fine. */
export function ensurePath(client: ZkClient, path: string, timeoutMs = 10_000): Promise<void> {
  return withDeadline<void>(path, timeoutMs, (resolve, reject) =>
    client.mkdirp(path, (err) => (err ? reject(err) : resolve())),
  );
}

/**
 * Creates a node: "ephemeral-sequential" (gone with this session; the name
 * gets a sequence number, returned), "ephemeral" or "persistent". Rejects
 * with the client's error, e.g. NODE_EXISTS (see isNodeExists).
 */
export function createNode(
  client: ZkClient,
  path: string,
  data: string,
  mode: "persistent" | "ephemeral" | "ephemeral-sequential",
  timeoutMs = 10_000,
): Promise<string> {
  const zk = require("node-zookeeper-client") as typeof import("node-zookeeper-client");
  const modes = {
    persistent: zk.CreateMode.PERSISTENT,
    ephemeral: zk.CreateMode.EPHEMERAL,
    "ephemeral-sequential": zk.CreateMode.EPHEMERAL_SEQUENTIAL,
  };
  return withDeadline<string>(path, timeoutMs, (resolve, reject) =>
    client.create(path, Buffer.from(data, "utf8"), modes[mode], (err, created) =>
      err ? reject(err) : resolve(created),
    ),
  );
}

/** Writes a persistent node's data, creating it when missing. */
export async function putNode(client: ZkClient, path: string, data: string, timeoutMs = 10_000): Promise<void> {
  try {
    await createNode(client, path, data, "persistent", timeoutMs);
  } catch (err) {
    if (!isNodeExists(err)) throw err;
    await withDeadline<void>(path, timeoutMs, (resolve, reject) =>
      client.setData(path, Buffer.from(data, "utf8"), -1, (e) => (e ? reject(e) : resolve())),
    );
  }
}

/** Removes a node of any version; a missing node is fine. */
export function removeNode(client: ZkClient, path: string, timeoutMs = 10_000): Promise<void> {
  return withDeadline<void>(path, timeoutMs, (resolve, reject) =>
    client.remove(path, -1, (err) => (err && !isNoNode(err) ? reject(err) : resolve())),
  );
}

export function isNodeExists(err: unknown): boolean {
  const zk = require("node-zookeeper-client") as typeof import("node-zookeeper-client");
  return (err as { code?: number } | null)?.code === zk.Exception.NODE_EXISTS;
}
