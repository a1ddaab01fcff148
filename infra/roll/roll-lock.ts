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

const QUEUE = "/kafka-cluster/roll/queue";
const STOPPED = "/kafka-cluster/roll/stopped";

export interface RollStop {
  /** Date.now() when the roll stopped. */
  readonly at: number;
  readonly brokerId: number;
  readonly reason: string;
}

export interface HeldTurn {
  /** Leaves the queue; `last` is true when nobody else waits. */
  release(): Promise<{ last: boolean }>;
}

export interface TurnOptions {
  readonly brokerId: number;
  /** When this broker's update began: a stop recorded after it ends the wait. */
  readonly since: number;
  readonly timeoutMs: number;
  readonly isController: () => Promise<boolean>;
  readonly progress: (message: string) => void;
}

const seqOf = (name: string): number => Number(name.slice(name.lastIndexOf("-") + 1));

async function queued(zk: ZkClient): Promise<string[]> {
  return ((await getChildren(zk, QUEUE)) ?? []).sort((a, b) => seqOf(a) - seqOf(b));
}

/** The stop recorded after `since`, if any. */
export async function stoppedSince(zk: ZkClient, since: number): Promise<RollStop | undefined> {
  const stop = await getJson<RollStop>(zk, STOPPED);
  return stop !== null && stop.at >= since ? stop : undefined;
}

export async function recordStop(zk: ZkClient, stop: RollStop): Promise<void> {
  await ensurePath(zk, "/kafka-cluster/roll");
  await putNode(zk, STOPPED, JSON.stringify(stop));
}

const stoppedError = (brokerId: number, stop: RollStop): Error =>
  new Error(`broker ${brokerId} not restarted: the roll stopped at broker ${stop.brokerId}: ${stop.reason}`);

/** Waits for this broker's turn (head of the queue); throws when the roll stopped or time ran out. */
export async function takeTurn(zk: ZkClient, opts: TurnOptions): Promise<HeldTurn> {
  await ensurePath(zk, QUEUE);
  const enqueue = async () =>
    (await createNode(zk, `${QUEUE}/broker-${opts.brokerId}-`, "", "ephemeral-sequential")).split("/").pop()!;
  let mine = await enqueue();
  const deadline = Date.now() + opts.timeoutMs;
  let steppedBack = 0;
  let lastNote = 0;
  const release = async () => {
    await removeNode(zk, `${QUEUE}/${mine}`);
    return { last: (await queued(zk)).length === 0 };
  };
  for (;;) {
    const stop = await stoppedSince(zk, opts.since);
    if (stop) throw (await release(), stoppedError(opts.brokerId, stop));
    const queue = await queued(zk);
    if (queue[0] === mine) {
      // The controller goes last: a restart of it moves the controller, which
      // should happen once, not once per broker restarted after it.
      if (queue.length > 1 && steppedBack < 5 && (await opts.isController())) {
        await removeNode(zk, `${QUEUE}/${mine}`);
        mine = await enqueue();
        steppedBack++;
        continue;
      }
      return { release };
    }
    if (Date.now() > deadline) {
      await release();
      throw new Error(
        `broker ${opts.brokerId} not restarted: no turn within ${opts.timeoutMs} ms (queue ${queue.join(", ")})`,
      );
    }
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      opts.progress(`broker ${opts.brokerId}: waiting for its turn to restart (${queue.indexOf(mine)} ahead)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
