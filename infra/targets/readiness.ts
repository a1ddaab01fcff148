// Waiting for a started process to be ready, from the machine running Pulumi:
// a TCP port that accepts connections (ZooKeeper) or a broker id registered
// in ZooKeeper (Kafka), while the process we started is alive and holds its port. Used inside dynamic providers, so modules are
// required inside the functions and only plain values are captured; what it
// imports from lib/ is written the same way and serialized with it.
import { waitFor } from "../../lib/poll";
import { exists, withZk } from "../../lib/zookeeper/client";

export type Readiness =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "zk-broker"; readonly zookeeperConnect: string; readonly brokerId: number };

export interface WaitOptions {
  /** For messages, e.g. "hadoop-nn kafka broker 1". */
  readonly label: string;
  readonly timeoutMs: number;
  /** False once the process has exited: stop waiting at once. */
  readonly alive: () => Promise<boolean>;
  /** The last lines of the process's output, for error messages. */
  readonly tail: () => Promise<string>;
  /**
   * Whether the process we started is the one that answers (it holds its
   * ports): a port or broker id answered by another process is not ready.
   */
  readonly owns?: () => Promise<boolean>;
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  const net = require("node:net") as typeof import("node:net");
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1_000 });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
    s.once("timeout", () => (s.destroy(), resolve(false)));
  });
}

/** Whether ZooKeeper lists the broker; false when ZooKeeper does not answer within 2 s. */
async function brokerRegistered(connect: string, id: number): Promise<boolean> {
  try {
    return await withZk(connect, { timeoutMs: 2_000 }, (client) => exists(client, `/brokers/ids/${id}`));
  } catch {
    return false;
  }
}

/** Polls every 200 ms until ready; throws with the output tail if the process dies or time runs out. */
export async function waitUntilReady(ready: Readiness, opts: WaitOptions): Promise<void> {
  const answers = (): Promise<boolean> =>
    ready.kind === "tcp" ? tcpOpen(ready.host, ready.port) : brokerRegistered(ready.zookeeperConnect, ready.brokerId);
  const check = async (): Promise<boolean> => (await answers()) && (opts.owns ? await opts.owns() : true);
  const tail = async (): Promise<string> => `; last output:\n${await opts.tail()}`;
  await waitFor(check, {
    timeoutMs: opts.timeoutMs,
    intervalMs: 200,
    what: `${opts.label} to be ready`,
    // Plain Errors: serialized, a subclass of Error loses its message (see lib/poll.ts).
    abort: async () =>
      (await opts.alive()) ? undefined : new Error(`${opts.label}: process exited during start-up${await tail()}`),
    timeoutError: async () => new Error(`${opts.label}: not ready after ${opts.timeoutMs} ms${await tail()}`),
  });
}
