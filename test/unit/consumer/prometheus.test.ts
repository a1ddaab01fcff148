import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { evaluateHealth, type HealthInput, type PartitionView, type SourceView } from "../../../consumer/health";
import type { OffsetsView } from "../../../consumer/admin-source";
import { createMetrics, type MetricsSource } from "../../../consumer/prometheus";

const T = "Hello-Kafka";
const part = (partition: number, leader: number | null, replicas: number[], isr: number[]): PartitionView => ({
  topic: T,
  partition,
  leader,
  replicas,
  isr,
});
const view = (over: Partial<SourceView> = {}): SourceView => ({
  live: true,
  asOf: 10_000,
  brokers: [1, 2, 3],
  controller: 1,
  partitions: [part(0, 1, [1, 2, 3], [1, 2, 3]), part(1, 3, [2, 3, 1], [3, 1]), part(2, null, [3, 1, 2], [])],
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
  admin: view({ asOf: 8_000 }),
  minIsr: { [T]: 2 },
  lag: { [`${T}/0`]: 4 },
  disagreementsSince: new Map(),
  ...over,
});

/** The exposition without prom-client's process and Node.js metrics. */
async function ours(source: MetricsSource, windows = 0): Promise<string> {
  const m = createMetrics(source);
  for (let i = 0; i < windows; i++) {
    m.windowClosed({
      start: 0,
      end: 5_000 * (i + 1),
      messages: 3,
      words: 7,
      counts: { a: 4, b: 3 },
      distinctWords: 2,
      omittedWords: 0,
      maxUndercount: 0,
      commitOffsets: {},
    });
  }
  m.commitFailed();
  const text = await m.render();
  return text
    .split("\n")
    .filter((l) => /^(# (HELP|TYPE) )?(kafka_|wordcount_)/.test(l))
    .join("\n");
}

describe("prometheus metrics", () => {
  let report = evaluateHealth(input());
  const offsets: OffsetsView = {
    lag: { [`${T}/0`]: 4, [`${T}/2`]: null },
    committed: { [`${T}/0`]: 6 },
    high: { [`${T}/0`]: 10, [`${T}/1`]: 3 },
  };
  const source: MetricsSource = { groupId: "g", report: () => report, offsets: () => offsets };

  it("fills kafka_exporter's and our gauges from the report and offsets", async () => {
    const text = await ours(source, 2);
    expect(text).toContain('kafka_topic_partition_leader{topic="Hello-Kafka",partition="2"} -1');
    expect(text).toContain('kafka_topic_partition_in_sync_replica{topic="Hello-Kafka",partition="1"} 2');
    expect(text).toContain('kafka_consumergroup_lag{consumergroup="g",topic="Hello-Kafka",partition="0"} 4');
    expect(text).toContain('kafka_topic_partition_current_offset{topic="Hello-Kafka",partition="1"} 3');
    expect(text).toContain('kafka_health_partition_state{topic="Hello-Kafka",partition="2",state="offline"} 1');
    expect(text).toContain('kafka_health_source_age_seconds{source="admin"} 2');
    expect(text).toContain('kafka_topic_partitions{topic="Hello-Kafka"} 3');
    expect(text).toContain("wordcount_messages_total 6");
    expect(text).toContain("wordcount_last_window_end_timestamp_seconds 10");
    expect(text).toContain("wordcount_commit_failures_total 1");
    expect(text).not.toContain('kafka_consumergroup_lag{consumergroup="g",topic="Hello-Kafka",partition="2"}');
  });

  it("drops a partition that is gone at the next scrape", async () => {
    const m = createMetrics(source);
    expect(await m.render()).toContain('kafka_topic_partition_leader{topic="Hello-Kafka",partition="2"}');
    const two = view().partitions.slice(0, 2);
    report = evaluateHealth(input({ zookeeper: view({ partitions: two }), admin: view({ partitions: two }) }));
    expect(await m.render()).not.toContain('kafka_topic_partition_leader{topic="Hello-Kafka",partition="2"}');
    report = evaluateHealth(input());
  });
});

describe("the direct probe's gauge", () => {
  const probes = [
    { id: 1, address: "a:1", reachable: true, since: 1, lastAnswerAt: 1 },
    { id: 2, address: "b:2", reachable: false, since: 1, reason: "connection failed (ECONNREFUSED)", lastAnswerAt: 1 },
    { id: 3, address: "c:3", reachable: null, since: null, lastAnswerAt: null },
  ];
  const source: MetricsSource = {
    groupId: "g",
    report: () => evaluateHealth(input({ probes })),
    offsets: () => ({ lag: {}, committed: {}, high: {} }),
  };

  it("kafka_health_broker_reachable is 1 or 0 per probed broker, absent while unknown, and passes promtool", async () => {
    const text = await createMetrics(source).render();
    expect(text).toContain('kafka_health_broker_reachable{broker="1"} 1');
    expect(text).toContain('kafka_health_broker_reachable{broker="2"} 0');
    expect(text).not.toContain('kafka_health_broker_reachable{broker="3"}');
    expect(text).toContain("kafka_health_healthy 0");
    const r = spawnSync("/usr/bin/promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
