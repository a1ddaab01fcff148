import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  evaluateHealth,
  evaluateReadiness,
  PARTITION_STATES,
  partitionConditions,
  type HealthInput,
  type PartitionView,
  type SourceView,
} from "../../../consumer/health";

const T = "Hello-Kafka";
const part = (
  partition: number,
  leader: number | null,
  replicas: number[],
  isr: number[],
  topic = T,
): PartitionView => ({ topic, partition, leader, replicas, isr });
const healthyParts = [
  part(0, 1, [1, 2, 3], [1, 2, 3]),
  part(1, 2, [2, 3, 1], [2, 3, 1]),
  part(2, 3, [3, 1, 2], [3, 1, 2]),
];
const view = (over: Partial<SourceView> = {}): SourceView => ({
  live: true,
  asOf: 10_000,
  brokers: [1, 2, 3],
  controller: 1,
  partitions: healthyParts,
  topicErrors: {},
  ...over,
});
const input = (over: Partial<HealthInput> = {}): HealthInput => ({
  now: 10_000,
  topics: [T],
  expectedBrokers: 3,
  staleAfterMs: 5_000,
  graceMs: 3_000,
  zookeeper: view(),
  admin: view(),
  minIsr: { [T]: 2 },
  lag: { [`${T}/0`]: 4 },
  disagreementsSince: new Map(),
  ...over,
});

describe("partitionConditions", () => {
  it("is ok with a preferred leader and a full ISR", () => {
    expect(partitionConditions(part(0, 1, [1, 2, 3], [1, 2, 3]), 2, [1, 2, 3])).toEqual(["ok"]);
  });

  it("lists every condition, most severe first", () => {
    // One broker gone: new leader, ISR at min.insync.replicas.
    expect(partitionConditions(part(0, 2, [1, 2, 3], [2, 3]), 2, [2, 3])).toEqual([
      "at_min_isr",
      "under_replicated",
      "non_preferred_leader",
    ]);
    // Two brokers gone.
    expect(partitionConditions(part(0, 3, [1, 2, 3], [3]), 2, [3])).toEqual([
      "under_min_isr",
      "under_replicated",
      "non_preferred_leader",
    ]);
    // No leader at all.
    expect(partitionConditions(part(0, null, [1, 2], [1]), 2, [3])).toEqual([
      "offline",
      "under_min_isr",
      "under_replicated",
    ]);
    // A leader that is not a live broker is offline too.
    expect(partitionConditions(part(0, 1, [1, 2], [1, 2]), 1, [2, 3])).toEqual(["offline", "under_min_isr"]);
    expect(partitionConditions(part(0, 1, [1, 2, 3], [1, 2]), 1, null)).toEqual(["under_replicated"]);
    expect(partitionConditions(part(0, 2, [1, 2, 3], [1, 2, 3]), 2, [1, 2, 3])).toEqual(["non_preferred_leader"]);
  });

  it("skips the min-ISR checks when min.insync.replicas is unknown", () => {
    expect(partitionConditions(part(0, 2, [1, 2, 3], [2]), null, [1, 2, 3])).toEqual([
      "under_replicated",
      "non_preferred_leader",
    ]);
  });

  it("property: the state order is a total precedence and ok never comes with another condition", () => {
    const ids = fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        ids,
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
        fc.integer({ min: 0, max: 5 }),
        fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
        fc.option(ids, { nil: null }),
        (replicas, leader, isrLen, minIsr, live) => {
          const isr = replicas.slice(0, isrLen);
          const c = partitionConditions(part(0, leader, replicas, isr), minIsr, live);
          expect(c.length).toBeGreaterThan(0);
          expect(c).toEqual([...c].sort((a, b) => PARTITION_STATES.indexOf(a) - PARTITION_STATES.indexOf(b)));
          if (c.includes("ok")) expect(c).toEqual(["ok"]);
          expect(c.includes("offline")).toBe(leader === null || (live !== null && !live.includes(leader)));
          expect(c.includes("under_replicated")).toBe(isr.length < replicas.length);
          if (c.includes("at_min_isr")) expect(c).not.toContain("under_min_isr");
        },
      ),
    );
  });
});

describe("evaluateHealth", () => {
  it("a healthy cluster: no reasons, every partition ok, from ZooKeeper, with lag", () => {
    const r = evaluateHealth(input());
    expect(r.healthy).toBe(true);
    expect(r.stale).toBe(false);
    expect(r.reasons).toEqual([]);
    expect(r.cluster).toEqual({
      liveBrokers: [1, 2, 3],
      expectedBrokers: 3,
      controller: 1,
      sources: { zookeeper: { live: true, stale: false, ageMs: 0 }, admin: { live: true, stale: false, ageMs: 0 } },
      // Without a probe: every registered broker, reachability unknown.
      brokers: [1, 2, 3].map((id) => ({ id, address: null, registered: true, reachable: null })),
    });
    expect(r.partitions.map((p) => [p.partition, p.state, p.source, p.lag, p.minIsr, p.preferredLeader])).toEqual([
      [0, "ok", "zookeeper", 4, 2, 1],
      [1, "ok", "zookeeper", null, 2, 2],
      [2, "ok", "zookeeper", null, 2, 3],
    ]);
  });

  it("a killed leader: the reasons name the partition, its conditions and the missing broker", () => {
    const zkParts = [part(0, 2, [1, 2, 3], [2, 3]), part(1, 2, [2, 3, 1], [2, 3]), part(2, 3, [3, 1, 2], [3, 2])];
    const r = evaluateHealth(
      input({
        zookeeper: view({ brokers: [2, 3], controller: 2, partitions: zkParts }),
        admin: view({ brokers: [2, 3], controller: 2, partitions: zkParts }),
      }),
    );
    expect(r.healthy).toBe(false);
    expect(r.reasons).toEqual([
      "2 of 3 expected brokers live: [2,3]",
      "Hello-Kafka-0: at_min_isr, under_replicated, non_preferred_leader (leader 2, replicas [1,2,3], isr [2,3], min.insync.replicas 2)",
      "Hello-Kafka-1: at_min_isr, under_replicated (leader 2, replicas [2,3,1], isr [2,3], min.insync.replicas 2)",
      "Hello-Kafka-2: at_min_isr, under_replicated (leader 3, replicas [3,1,2], isr [3,2], min.insync.replicas 2)",
    ]);
  });

  it("an offline partition of another topic leaves the rest of the report intact", () => {
    const parts = [...healthyParts.map((p) => ({ ...p, isr: [3], leader: 3 })), part(0, null, [1, 2], [1], "other")];
    const r = evaluateHealth(
      input({
        topics: [T, "other"],
        minIsr: { [T]: 2, other: 1 },
        zookeeper: view({ brokers: [3], controller: 3, partitions: parts }),
        admin: view({
          brokers: [3],
          controller: 3,
          partitions: parts.slice(0, 3),
          topicErrors: { other: "LEADER_NOT_AVAILABLE" },
        }),
      }),
    );
    expect(r.partitions.map((p) => `${p.topic}-${p.partition}:${p.state}`)).toEqual([
      "Hello-Kafka-0:under_min_isr",
      "Hello-Kafka-1:under_min_isr",
      "Hello-Kafka-2:under_min_isr",
      "other-0:offline",
    ]);
  });

  it("ZooKeeper disconnected: stale, and the admin view is used", () => {
    const adminParts = [part(0, 1, [1, 2, 3], [1, 2]), ...healthyParts.slice(1)];
    const r = evaluateHealth(
      input({ zookeeper: view({ live: false, asOf: 4_000 }), admin: view({ partitions: adminParts }) }),
    );
    expect(r.stale).toBe(true);
    expect(r.healthy).toBe(false);
    expect(r.reasons[0]).toBe("zookeeper data is stale (disconnected)");
    expect(r.cluster.sources.zookeeper).toEqual({ live: false, stale: true, ageMs: 6_000 });
    expect(r.partitions[0]).toMatchObject({ source: "admin", state: "at_min_isr", isr: [1, 2] });
    expect(r.disagreements).toEqual([]); // nothing is compared with a stale source
  });

  it("admin data past staleAfterMs is stale, with its last error", () => {
    const r = evaluateHealth(
      input({
        now: 16_000,
        zookeeper: view({ asOf: 16_000 }),
        admin: view({ asOf: 10_000, error: "Connection timeout" }),
      }),
    );
    expect(r.reasons).toEqual(["admin data is stale (last current 6.0 s ago; last error: Connection timeout)"]);
    expect(r.partitions.every((p) => p.source === "zookeeper")).toBe(true);
  });

  it("both sources without data: stale and nothing known, said plainly", () => {
    const empty = view({ asOf: null, brokers: null, controller: null, partitions: [] });
    const r = evaluateHealth(input({ zookeeper: { ...empty, live: false }, admin: empty }));
    expect(r.reasons).toEqual([
      "zookeeper data is stale (disconnected)",
      "admin data is stale (no data yet)",
      "live brokers unknown (expected 3)",
      "no active controller",
      "topic Hello-Kafka: no partitions known",
    ]);
  });

  it("reports a missing topic with each source's error", () => {
    const r = evaluateHealth(
      input({
        topics: ["nope"],
        zookeeper: view({ partitions: [], topicErrors: { nope: "no such topic" } }),
        admin: view({ partitions: [], topicErrors: { nope: "UNKNOWN_TOPIC_OR_PARTITION" } }),
      }),
    );
    expect(r.reasons).toEqual([
      "topic nope: no partitions known (zookeeper: no such topic; admin: UNKNOWN_TOPIC_OR_PARTITION)",
    ]);
  });

  it("disagreement is reported only after the grace period, and is remembered between evaluations", () => {
    const adminParts = [part(0, 2, [1, 2, 3], [2, 3]), ...healthyParts.slice(1)];
    const first = evaluateHealth(input({ admin: view({ partitions: adminParts, controller: 2 }) }));
    expect(first.disagreements.map((d) => [d.key, d.reported])).toEqual([
      ["controller", false],
      [`${T}/0:leader`, false],
      [`${T}/0:isr`, false],
    ]);
    expect(first.healthy).toBe(true);
    const later = evaluateHealth(
      input({
        now: 13_000,
        zookeeper: view({ asOf: 13_000 }),
        admin: view({ asOf: 13_000, partitions: adminParts, controller: 1 }),
        disagreementsSince: first.disagreementsSince,
      }),
    );
    expect(later.reasons).toEqual([
      "sources disagree for 3.0 s: Hello-Kafka-0 leader: zookeeper 1, admin 2",
      "sources disagree for 3.0 s: Hello-Kafka-0 isr: zookeeper [1,2,3], admin [2,3]",
    ]);
    expect([...later.disagreementsSince.keys()]).toEqual([`${T}/0:leader`, `${T}/0:isr`]); // the controller now agrees
  });
});

describe("evaluateReadiness", () => {
  it("needs a joined consumer and fresh sources", () => {
    expect(evaluateReadiness(true, evaluateHealth(input()))).toEqual({ ready: true, reasons: [] });
    expect(evaluateReadiness(false, evaluateHealth(input({ zookeeper: view({ live: false }) })))).toEqual({
      ready: false,
      reasons: ["consumer has not joined its group", "zookeeper data is stale"],
    });
  });
});
