// The ZooKeeper roll (infra/roll/zookeeper-roll.ts) against a real
// three-node ensemble: one node at a time, the leader last, the quorum whole
// before each stop; with a node already down, nothing restarts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modeOf, rollZooKeeperNode, type ZooKeeperRollOptions } from "../../../infra/roll/zookeeper-roll";
import { startEnsemble, type TestEnsemble } from "../../../support/ensemble";
import { dockerRollGateProvider } from "../../../infra/roll/docker-gate";

const PREFIX = process.env.KAFKA_CLUSTER_ENSEMBLE_TEST_PREFIX ?? "127.0.25";
let ensemble: TestEnsemble;
const quiet = (): void => undefined;
const options = (myId: number, extra: Partial<ZooKeeperRollOptions> = {}): ZooKeeperRollOptions => ({
  ensemble: ensemble.nodes,
  myId,
  label: `zookeeper ${myId}`,
  ...extra,
});

beforeAll(async () => {
  ensemble = await startEnsemble(PREFIX);
}, 120_000);

afterAll(async () => {
  await ensemble?.stop();
});

describe("rolling restart of a ZooKeeper ensemble", () => {
  it("restarts one node at a time, the leader last, the quorum whole before each", async () => {
    const modes = await Promise.all(ensemble.nodes.map(modeOf));
    const leader = ensemble.nodes[modes.indexOf("leader")]!.id;
    const order: number[] = [];
    let down = 0;
    let mostDown = 0;
    const restart = (id: number) => async () => {
      mostDown = Math.max(mostDown, ++down);
      await ensemble.restart(id);
      down--;
      order.push(id);
    };
    await Promise.all([1, 2, 3].map((id) => rollZooKeeperNode(options(id), restart(id), quiet)));
    expect(order).toHaveLength(3);
    expect(order[2]).toBe(leader);
    expect(mostDown).toBe(1);
    const after = await Promise.all(ensemble.nodes.map(modeOf));
    expect(after.filter((m) => m === "leader")).toHaveLength(1);
    expect(after.filter((m) => m === "follower")).toHaveLength(2);
  }, 300_000);

  it("restarts nothing while a node is down", async () => {
    await ensemble.stopNode(3);
    let restarted = 0;
    const results = await Promise.allSettled(
      [1, 2].map((id) => rollZooKeeperNode(options(id, { gateTimeoutMs: 2_000 }), async () => void restarted++, quiet)),
    );
    expect(restarted).toBe(0);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/not restarted/);
    }
    // The docker target's gate holds likewise, naming each node's mode, and passes once the node is back.
    const gate = (timeoutMs: number) =>
      dockerRollGateProvider.update!("gate", {} as never, {
        zookeeperConnect: "",
        defaultMinIsr: 1,
        timeoutMs,
        ensemble: ensemble.nodes,
        before: { brokerId: 1, specHash: "h" },
      });
    await expect(gate(1_000)).rejects.toThrow(/ZooKeeper node 1: not replaced: the quorum is not whole .*3: no answer/);
    await ensemble.startNode(3);
    await gate(60_000);
  }, 120_000);
});
