// One broker restarts at a time, whatever runs the restarts: Pulumi updates
// the brokers in parallel, and each update queues here (an ephemeral
// sequential node in the cluster's own ZooKeeper, the classic lock recipe).
// The head of the queue restarts; the controller steps back while others
// wait, so it goes last. A stop of the roll (a gate not met) is recorded so
// the brokers still queued give up at once instead of waiting their turn.
// Serialized with the process providers: requires inside functions.
import {
  createNode,
  ensurePath,
  getChildren,
  getJson,
  putNode,
  removeNode,
  type ZkClient,
} from "../../lib/zookeeper/client";

const ROOT = "/kafka-cluster/roll";
const queuePath = (queue: string): string => `${ROOT}/${queue}`;
const stoppedPath = (queue: string): string => `${ROOT}/${queue}-stopped`;

export interface RollStop {
  /** Date.now() when the roll stopped. */
  readonly at: number;
  /** Who stopped it, e.g. "broker 2". */
  readonly by: string;
  readonly reason: string;
}

export interface HeldTurn {
  /** Leaves the queue; `last` is true when nobody else waits. */
  release(): Promise<{ last: boolean }>;
}

export interface TurnOptions {
  /** Which roll: "brokers" or "zookeeper"; each has its own queue. */
  readonly queue: string;
  /** Who waits, e.g. "broker 1": its queue entry and messages. */
  readonly member: string;
  /** When this broker's update began: a stop recorded after it ends the wait. */
  readonly since: number;
  readonly timeoutMs: number;
  readonly isController: () => Promise<boolean>;
  readonly progress: (message: string) => void;
}

const seqOf = (name: string): number => Number(name.slice(name.lastIndexOf("-") + 1));

/**
 * Runs a ZooKeeper request again while the connection is lost: the node the
 * client talks to may be the one a ZooKeeper roll restarts; the session
 * moves to another node within its timeout.
 */
export async function retrying<T>(request: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (err) {
      const lost = (err as { code?: number }).code === -4 || (err as Error).name === "ZooKeeperTimeoutError";
      if (!lost || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function queued(zk: ZkClient, queue: string): Promise<string[]> {
  const children = await retrying(() => getChildren(zk, queuePath(queue)));
  return (children ?? []).sort((a, b) => seqOf(a) - seqOf(b));
}

/**
 * Joins the queue once, even when the connection is lost after ZooKeeper made
 * the node: the entry carries a random token, so a retry finds it instead of
 * leaving a second entry that would hold the queue until this session ends.
 */
async function enqueue(zk: ZkClient, queue: string, member: string): Promise<string> {
  const token = Math.random().toString(36).slice(2, 10);
  const prefix = `${member.replace(/[^A-Za-z0-9]+/g, "-")}-${token}-`;
  return retrying(async () => {
    const made = (await queued(zk, queue)).find((c) => c.startsWith(prefix));
    if (made) return made;
    return (await createNode(zk, `${queuePath(queue)}/${prefix}`, "", "ephemeral-sequential")).split("/").pop()!;
  });
}

/** The stop recorded after `since`, if any. */
export async function stoppedSince(zk: ZkClient, queue: string, since: number): Promise<RollStop | undefined> {
  const stop = await retrying(() => getJson<RollStop>(zk, stoppedPath(queue)));
  return stop !== null && stop.at >= since ? stop : undefined;
}

export async function recordStop(zk: ZkClient, queue: string, stop: RollStop): Promise<void> {
  await retrying(() => ensurePath(zk, ROOT));
  await retrying(() => putNode(zk, stoppedPath(queue), JSON.stringify(stop)));
}

const stoppedError = (member: string, stop: RollStop): Error =>
  new Error(`${member} not restarted: the roll stopped at ${stop.by}: ${stop.reason}`);

/** Waits for this broker's turn (head of the queue); throws when the roll stopped or time ran out. */
export async function takeTurn(zk: ZkClient, opts: TurnOptions): Promise<HeldTurn> {
  const dir = queuePath(opts.queue);
  await retrying(() => ensurePath(zk, dir));
  let mine = await enqueue(zk, opts.queue, opts.member);
  const deadline = Date.now() + opts.timeoutMs;
  let steppedBack = 0;
  let lastNote = 0;
  const release = async () => {
    await retrying(() => removeNode(zk, `${dir}/${mine}`));
    return { last: (await queued(zk, opts.queue)).length === 0 };
  };
  for (;;) {
    const stop = await stoppedSince(zk, opts.queue, opts.since);
    if (stop) throw (await release(), stoppedError(opts.member, stop));
    const queue = await queued(zk, opts.queue);
    if (queue[0] === mine) {
      // The controller (ZooKeeper's leader) goes last: a restart of it moves the controller, which
      // should happen once, not once per broker restarted after it.
      if (queue.length > 1 && steppedBack < 5 && (await opts.isController())) {
        await retrying(() => removeNode(zk, `${dir}/${mine}`));
        mine = await enqueue(zk, opts.queue, opts.member);
        steppedBack++;
        continue;
      }
      return { release };
    }
    if (Date.now() > deadline) {
      await release();
      throw new Error(`${opts.member} not restarted: no turn within ${opts.timeoutMs} ms (queue ${queue.join(", ")})`);
    }
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      opts.progress(`${opts.member}: waiting for its turn to restart (${queue.indexOf(mine)} ahead)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
