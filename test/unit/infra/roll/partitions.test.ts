import { describe, expect, it } from "vitest";
import {
  blockingPartitions,
  listPartitions,
  nonPreferredLeaders,
  outOfSync,
  type PartitionState,
} from "../../../../infra/roll/partitions";

const part = (
  partition: number,
  replicas: number[],
  isr: number[],
  minIsr = 2,
  leader = isr[0] ?? -1,
): PartitionState => ({
  topic: "t",
  partition,
  replicas,
  isr,
  leader,
  minIsr,
});

describe("blockingPartitions (the gate before a broker stops)", () => {
  it("lets a broker stop when every partition it hosts keeps min.insync.replicas without it", () => {
    expect(blockingPartitions([part(0, [1, 2, 3], [1, 2, 3])], 1)).toEqual([]);
  });

  it("holds a broker that is one of exactly min.insync.replicas in sync", () => {
    const p = part(0, [1, 2, 3], [1, 2]);
    expect(blockingPartitions([p], 1)).toEqual([p]);
    expect(blockingPartitions([p], 3)).toEqual([]); // 3 is out of sync already: its stop changes nothing
  });

  it("holds every replica of a partition already below min.insync.replicas", () => {
    const p = part(0, [1, 2, 3], [1]);
    expect(blockingPartitions([p], 2)).toEqual([p]);
  });

  it("ignores partitions the broker does not host, and those that can never survive a restart", () => {
    expect(blockingPartitions([part(0, [2, 3], [2, 3], 1), part(1, [1, 2], [1, 2], 2)], 1)).toEqual([]);
  });
});

describe("outOfSync and nonPreferredLeaders", () => {
  it("lists the hosted partitions the broker has not caught up on", () => {
    const behind = part(1, [3, 1, 2], [3, 2]);
    expect(outOfSync([part(0, [1, 2, 3], [1, 2, 3]), behind, part(2, [2, 3], [2])], 1)).toEqual([behind]);
  });

  it("lists partitions whose in-sync preferred leader does not lead", () => {
    const moved = part(0, [1, 2, 3], [1, 2, 3], 2, 2);
    const cannot = part(1, [1, 2, 3], [2, 3], 2, 2);
    expect(nonPreferredLeaders([moved, cannot, part(2, [2, 3, 1], [1, 2, 3], 2, 2)])).toEqual([moved]);
  });

  it("describes partitions for messages, capped", () => {
    const parts = [0, 1, 2].map((i) => part(i, [1, 2, 3], [1, 3]));
    expect(listPartitions(parts, 2)).toBe(
      "t-0 (in sync 1,3 of 1,2,3; min.insync.replicas 2), t-1 (in sync 1,3 of 1,2,3; min.insync.replicas 2) and 1 more",
    );
  });
});
