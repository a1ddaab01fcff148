// A ZooKeeper node restart that keeps the quorum: one node at a time, the
// leader last, each back in the ensemble as a follower (or the new leader)
// before the next stops. Nodes answer the `srvr` four-letter word (allowed
// in zoo.cfg) with their mode. A standalone node cannot avoid the outage; it
// is simply restarted.
//
// Serialized with the process providers: requires inside functions.
import { connectZk } from "../../lib/zookeeper/client";
import { recordStop, takeTurn } from "./roll-lock";

export interface EnsembleNode {
  readonly id: number;
  readonly address: string;
  readonly clientPort: number;
}

export interface ZooKeeperRollOptions {
  readonly ensemble: readonly EnsembleNode[];
  readonly myId: number;
  /** For messages, e.g. "hadoop-nn zookeeper (myid 1)". */
  readonly label: string;
  /** How long to wait for a full quorum before stopping. Default 2 min. */
  readonly gateTimeoutMs?: number;
  /** How long the restarted node may take to rejoin. Default 2 min. */
  readonly syncTimeoutMs?: number;
  readonly turnTimeoutMs?: number;
}

type Mode = "leader" | "follower" | "standalone" | "observer";

/** The node's mode from `srvr`, or undefined when it does not answer within 2 s. */
export function modeOf(node: EnsembleNode): Promise<Mode | undefined> {
  const net = require("node:net") as typeof import("node:net");
  return new Promise((resolve) => {
    let text = "";
    const s = net.connect({ host: node.address, port: node.clientPort, timeout: 2_000 });
    s.once("connect", () => s.end("srvr"));
    s.on("data", (d: Buffer) => (text += d.toString("utf8")));
    s.once("error", () => resolve(undefined));
    s.once("timeout", () => (s.destroy(), resolve(undefined)));
    s.once("close", () => resolve(/^Mode: (\w+)$/m.exec(text)?.[1] as Mode | undefined));
  });
}

const inQuorum = (m: Mode | undefined): boolean => m === "leader" || m === "follower";

/** Waits until every node is leader or follower, with one leader; throws naming each node's mode at the deadline. */
export async function waitForEnsemble(
  opts: Pick<ZooKeeperRollOptions, "ensemble" | "label">,
  timeoutMs: number,
  what: string,
  progress: (m: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastNote = Date.now();
  for (;;) {
    const modes = await Promise.all(opts.ensemble.map(modeOf));
    const leaders = modes.filter((m) => m === "leader").length;
    if (modes.every(inQuorum) && leaders === 1) return;
    const seen = opts.ensemble.map((n, i) => `${n.id}: ${modes[i] ?? "no answer"}`).join(", ");
    if (Date.now() > deadline) throw new Error(`${opts.label}: ${what} after ${timeoutMs} ms (${seen})`);
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      progress(`${opts.label}: waiting for every node in the quorum (${seen})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Restarts one node of the ensemble as part of a rolling restart; see the top of the file. */
export async function rollZooKeeperNode(
  opts: ZooKeeperRollOptions,
  restart: () => Promise<void>,
  progress: (m: string) => void,
): Promise<void> {
  if (opts.ensemble.length < 3) return restart();
  const me = opts.ensemble.find((n) => n.id === opts.myId)!;
  if (!inQuorum(await modeOf(me))) {
    // A node out of the quorum is restarted at once, ahead of the queue: that can only help.
    await restart();
    return waitForEnsemble(opts, opts.syncTimeoutMs ?? 120_000, "restarted but the quorum is not whole", progress);
  }
  const since = Date.now();
  const connect = opts.ensemble.map((n) => `${n.address}:${n.clientPort}`).join(",");
  const zk = await connectZk(connect, { timeoutMs: 15_000, sessionTimeoutMs: 30_000 });
  try {
    const member = `zookeeper ${opts.myId}`;
    const turn = await takeTurn(zk, {
      queue: "zookeeper",
      member,
      since,
      timeoutMs: opts.turnTimeoutMs ?? 1_800_000,
      isController: async () => (await modeOf(me)) === "leader",
      progress,
    });
    let failure: unknown;
    try {
      await waitForEnsemble(opts, opts.gateTimeoutMs ?? 120_000, "not restarted: the quorum is not whole", progress);
      await restart();
      await waitForEnsemble(opts, opts.syncTimeoutMs ?? 120_000, "restarted but the quorum is not whole", progress);
    } catch (err) {
      failure = err;
      const reason = err instanceof Error ? err.message : String(err);
      await recordStop(zk, "zookeeper", { at: Date.now(), by: member, reason }).catch(() => undefined);
    }
    await turn.release();
    if (failure !== undefined) throw failure;
  } finally {
    zk.close();
  }
}
