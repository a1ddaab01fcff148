// A broker restart that keeps every partition writable (issue 13's rolling
// restart): wait for this broker's turn (roll-lock.ts, the controller last),
// wait until its absence leaves every partition it hosts at or above
// min.insync.replicas, restart it (the caller's stop with controlled shutdown,
// then start), wait until it is back in sync for every partition it hosts,
// and when it was the last in the queue, ask the controller for a preferred
// leader election so leadership is balanced again.
//
// Serialized with the process providers: requires inside functions, plain
// Errors, plain values only.
import {
  connectZk,
  createNode,
  isNodeExists,
  readBrokerRegistrations,
  type ZkClient,
} from "../../lib/zookeeper/client";
import { readPartitions } from "./cluster-state";
import { blockingPartitions, listPartitions, nonPreferredLeaders, outOfSync, type PartitionState } from "./partitions";
import { recordStop, takeTurn } from "./roll-lock";

export interface RollOptions {
  readonly zookeeperConnect: string;
  readonly brokerId: number;
  /** For messages, e.g. "hadoop-nn kafka broker 1". */
  readonly label: string;
  /** min.insync.replicas of the brokers' server.properties (Kafka's default is 1). */
  readonly defaultMinIsr: number;
  /** How long the gate may hold the restart. Default 5 min. */
  readonly gateTimeoutMs?: number;
  /** How long the restarted broker may take to be in sync again. Default 5 min. */
  readonly syncTimeoutMs?: number;
  /** How long to wait for the other brokers' restarts. Default 30 min. */
  readonly turnTimeoutMs?: number;
  /** False when a refresh found the broker stopped: it is started without a gate. Default true. */
  readonly expectRunning?: boolean;
}

type Progress = (message: string) => void;

/** Polls the partitions until `pending` is empty; throws naming what was still pending at the deadline. */
async function waitUntilNone(
  zk: ZkClient,
  opts: RollOptions,
  pending: (parts: PartitionState[]) => PartitionState[],
  timeoutMs: number,
  say: { waiting: string; failed: string },
  progress: Progress,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastNote = Date.now();
  for (;;) {
    const left = pending(await readPartitions(zk, opts.defaultMinIsr));
    if (left.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${opts.label}: ${say.failed} after ${timeoutMs} ms: ${listPartitions(left)}`);
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      progress(`${opts.label}: ${say.waiting}: ${listPartitions(left, 5)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Asks the controller to move leadership back to preferred replicas (kafkajs has no ElectLeaders). */
export async function electPreferredLeaders(zk: ZkClient, defaultMinIsr: number): Promise<number> {
  const parts = nonPreferredLeaders(await readPartitions(zk, defaultMinIsr));
  if (parts.length === 0) return 0;
  const body = { version: 1, partitions: parts.map((p) => ({ topic: p.topic, partition: p.partition })) };
  try {
    await createNode(zk, "/admin/preferred_replica_election", JSON.stringify(body), "persistent");
  } catch (err) {
    if (!isNodeExists(err)) throw err; // one is running already
  }
  return parts.length;
}

/** Restarts, then waits until the broker is in sync again for every partition it hosts. */
async function restartAndCatchUp(zk: ZkClient, opts: RollOptions, restart: () => Promise<void>, progress: Progress) {
  await restart();
  await waitUntilNone(
    zk,
    opts,
    (parts) => outOfSync(parts, opts.brokerId),
    opts.syncTimeoutMs ?? 300_000,
    { waiting: "restarted, catching up on", failed: "restarted but not back in sync" },
    progress,
  );
}

function gate(zk: ZkClient, opts: RollOptions, progress: Progress): Promise<void> {
  return waitUntilNone(
    zk,
    opts,
    (parts) => blockingPartitions(parts, opts.brokerId),
    opts.gateTimeoutMs ?? 300_000,
    {
      waiting: "waiting to restart until these partitions are in sync",
      failed: "not restarted: stopping it would take partitions below min.insync.replicas",
    },
    progress,
  );
}

/** Restarts one broker as part of a rolling restart; see the top of the file. */
export async function rollBroker(opts: RollOptions, restart: () => Promise<void>, progress: Progress): Promise<void> {
  const since = Date.now();
  const zk = await connectZk(opts.zookeeperConnect, { timeoutMs: 15_000, sessionTimeoutMs: 30_000 });
  try {
    if (!(await readBrokerRegistrations(zk)).brokerIds.includes(opts.brokerId)) {
      // One the state says runs has died behind Pulumi's back: say so rather than start it with new settings.
      if (opts.expectRunning !== false) {
        throw new Error(
          `${opts.label}: not restarted: it is not running (not registered in ZooKeeper); ` +
            "`pulumi up --refresh` (npm run up -- --refresh) finds it stopped and starts it again with its data",
        );
      }
      // A broker a refresh found stopped holds nobody's data in sync: starting it can only help, so it
      // goes at once, ahead of the queue (the others' gates wait for it).
      return await restartAndCatchUp(zk, opts, restart, progress);
    }
    const turn = await takeTurn(zk, {
      queue: "brokers",
      member: `broker ${opts.brokerId}`,
      since,
      timeoutMs: opts.turnTimeoutMs ?? 1_800_000,
      isController: async () => (await readBrokerRegistrations(zk)).controller === opts.brokerId,
      progress,
    });
    let failure: unknown;
    try {
      await gate(zk, opts, progress);
      await restartAndCatchUp(zk, opts, restart, progress);
    } catch (err) {
      failure = err;
      const reason = err instanceof Error ? err.message : String(err);
      await recordStop(zk, "brokers", { at: Date.now(), by: `broker ${opts.brokerId}`, reason }).catch(() => undefined);
    }
    const { last } = await turn.release();
    if (failure !== undefined) throw failure;
    if (last) {
      const moved = await electPreferredLeaders(zk, opts.defaultMinIsr).catch(() => 0);
      if (moved > 0) progress(`${opts.label}: preferred leader election asked for ${moved} partitions`);
    }
  } finally {
    zk.close();
  }
}
