import { describe, expect, it } from "vitest";
import { placementMoves, removedWithReplicas, replicasByBroker } from "../../../../infra/placement/moves";
import { brokersOf, throttledReplicas } from "../../../../infra/placement/throttle";

const hello = {
  topic: "Hello-Kafka",
  partitions: [
    { partition: 0, replicas: [1, 2, 3], leader: 1 },
    { partition: 1, replicas: [2, 3, 1], leader: 2 },
    { partition: 2, replicas: [3, 1, 2], leader: 3 },
  ],
};
const counts = (moves: ReadonlyMap<number, number[]>, base = hello) => {
  const all = base.partitions.map((p) => moves.get(p.partition) ?? p.replicas);
  return replicasByBroker([
    { topic: "t", partitions: all.map((replicas, i) => ({ partition: i, replicas, leader: 0 })) },
  ]);
};

describe("placementMoves", () => {
  it("spreads a topic onto a new broker evenly, keeping each leader first, when rebalancing", () => {
    const { moves, stranded } = placementMoves([hello], { brokers: [1, 2, 3, 4], rebalance: true, drain: false });
    expect(stranded).toEqual([]);
    const moved = moves.get("Hello-Kafka")!;
    expect(Object.values(counts(moved)).sort()).toEqual([2, 2, 2, 3]);
    for (const [p, to] of moved) expect(to[0]).toBe(hello.partitions[p]!.leader);
  });

  it("moves nothing onto a new broker without rebalancing, nor for topics not named", () => {
    expect(placementMoves([hello], { brokers: [1, 2, 3, 4], rebalance: false, drain: false }).moves.size).toBe(0);
    expect(placementMoves([hello], { brokers: [1, 2, 3, 4], rebalance: ["other"], drain: false }).moves.size).toBe(0);
    expect(
      placementMoves([hello], { brokers: [1, 2, 3, 4], rebalance: ["Hello-Kafka"], drain: false }).moves.size,
    ).toBe(1);
  });

  it("names each replica on a broker no longer listed, without drain", () => {
    const on4 = { topic: "t", partitions: [{ partition: 0, replicas: [4, 1, 2], leader: 4 }] };
    const { moves, stranded } = placementMoves([hello, on4], { brokers: [1, 2, 3], rebalance: false, drain: false });
    expect(stranded).toEqual(["t-0 on broker 4"]);
    expect(moves.size).toBe(0);
  });

  it("drains: every replica off the unlisted broker, onto listed ones, the rest untouched", () => {
    const on4 = {
      topic: "t",
      partitions: [
        { partition: 0, replicas: [4, 1, 2], leader: 4 },
        { partition: 1, replicas: [1, 2, 3], leader: 1 },
      ],
    };
    const { moves, stranded } = placementMoves([hello, on4], { brokers: [1, 2, 3], rebalance: false, drain: true });
    expect(stranded).toEqual([]);
    expect([...moves.keys()]).toEqual(["t"]);
    const to = moves.get("t")!.get(0)!;
    expect(to).toHaveLength(3);
    expect(to).not.toContain(4);
    expect(moves.get("t")!.has(1)).toBe(false);
  });
});

describe("removedWithReplicas", () => {
  it("names brokers no longer listed that held replicas at the last up", () => {
    expect(removedWithReplicas({ "1": 3, "2": 3, "3": 3, "4": 2 }, [1, 2, 3])).toEqual(["broker 4 (2 replicas)"]);
    expect(removedWithReplicas({ "1": 3, "4": 0 }, [1, 2, 3])).toEqual([]);
    expect(removedWithReplicas(undefined, [1])).toEqual([]);
  });
});

describe("the throttle", () => {
  it("throttles the current replicas as leaders and the new ones as followers, on every broker involved", () => {
    const move = {
      topic: "t",
      partitions: new Map([
        [
          0,
          [
            [1, 2, 3],
            [1, 2, 4],
          ] as const,
        ],
      ]),
    };
    expect(throttledReplicas(move)).toEqual({ leaders: "0:1,0:2,0:3", followers: "0:4" });
    expect(brokersOf([move])).toEqual([1, 2, 3, 4]);
  });
});
