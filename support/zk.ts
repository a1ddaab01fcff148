// Small promise wrappers over node-zookeeper-client for the harness and tests.
import * as zookeeper from "node-zookeeper-client";
import { fixZookeeperClient } from "../lib/zookeeper/client-fix";

export interface ZkClusterState {
  /** Registered broker ids (children of /brokers/ids), sorted. */
  readonly brokerIds: number[];
  /** The controller's broker id, or null when there is none. */
  readonly controller: number | null;
}

/** Connects, or fails after timeoutMs with the address in the message. */
export function connectZk(connect: string, timeoutMs: number): Promise<zookeeper.Client> {
  fixZookeeperClient();
  const client = zookeeper.createClient(connect, { sessionTimeout: 6_000, spinDelay: 100, retries: 0 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`could not connect to ZooKeeper at ${connect} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once("connected", () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

function call<T>(fn: (cb: (err: Error | zookeeper.Exception | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

export async function getChildren(client: zookeeper.Client, p: string): Promise<string[]> {
  return call<string[]>((cb) => client.getChildren(p, (err, children) => cb(err, children)));
}

/** The node's data as UTF-8, or null when the node does not exist. */
export async function getData(client: zookeeper.Client, p: string): Promise<string | null> {
  try {
    const data = await call<Buffer>((cb) => client.getData(p, (err, buf) => cb(err, buf)));
    return data ? data.toString("utf8") : "";
  } catch (err) {
    if ((err as { code?: number }).code === zookeeper.Exception.NO_NODE) return null;
    throw err;
  }
}

export async function readClusterStateWith(client: zookeeper.Client): Promise<ZkClusterState> {
  let ids: string[] = [];
  try {
    ids = await getChildren(client, "/brokers/ids");
  } catch (err) {
    if ((err as { code?: number }).code !== zookeeper.Exception.NO_NODE) throw err;
  }
  const controllerJson = await getData(client, "/controller");
  const controller = controllerJson ? (JSON.parse(controllerJson) as { brokerid: number }).brokerid : null;
  return { brokerIds: ids.map(Number).sort((a, b) => a - b), controller };
}

/** One-shot read of registered brokers and the controller. */
export async function readClusterState(connect: string, timeoutMs: number): Promise<ZkClusterState> {
  const client = await connectZk(connect, timeoutMs);
  try {
    return await readClusterStateWith(client);
  } finally {
    client.close();
  }
}
