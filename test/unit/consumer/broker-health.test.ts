import { describe, expect, it } from "vitest";
import { brokersHealth } from "../../../consumer/broker-health";
import type { BrokerReachability } from "../../../consumer/broker-probe";

const probe = (id: number, reachable: boolean | null, over: Partial<BrokerReachability> = {}): BrokerReachability => ({
  id,
  address: `127.0.27.${id}:19092`,
  reachable,
  since: reachable === null ? null : Date.UTC(2026, 11, 2, 16, 0, 0),
  lastAnswerAt: null,
  ...over,
});

describe("brokersHealth", () => {
  it("lists registered and probed brokers; an unreachable one carries since, why and a reason", () => {
    const reasons: string[] = [];
    const list = brokersHealth(
      [1, 2],
      [probe(1, true), probe(2, false, { reason: "connection failed (ECONNREFUSED)" }), probe(3, null)],
      reasons,
    );
    expect(list).toEqual([
      { id: 1, address: "127.0.27.1:19092", registered: true, reachable: true },
      {
        id: 2,
        address: "127.0.27.2:19092",
        registered: true,
        reachable: false,
        unreachableSince: "2026-12-02T16:00:00.000Z",
        reason: "connection failed (ECONNREFUSED)",
      },
      { id: 3, address: "127.0.27.3:19092", registered: false, reachable: null },
    ]);
    expect(reasons).toEqual([
      "broker 2 (127.0.27.2:19092) unreachable since 2026-12-02T16:00:00.000Z: connection failed (ECONNREFUSED)",
    ]);
  });

  it("a broker gone from ZooKeeper that the probe still cannot reach stays listed, by name", () => {
    const reasons: string[] = [];
    const list = brokersHealth([1, 3], [probe(1, true), probe(2, false, { reason: "x" }), probe(3, true)], reasons);
    expect(list.find((b) => b.id === 2)).toMatchObject({ registered: false, reachable: false });
    expect(reasons).toHaveLength(1);
  });
});
