// A health report and windows for the status page's tests: three brokers, Hello-Kafka's three partitions.
import type { HealthReport, PartitionHealth, PartitionState } from "../../../consumer/health";
import type { ClosedWindow } from "../../../consumer/windows";

export function partition(
  partition: number,
  state: PartitionState,
  over: Partial<PartitionHealth> = {},
): PartitionHealth {
  const replicas = [1, 2, 3].map((i) => ((partition + i - 1) % 3) + 1);
  return {
    topic: "Hello-Kafka",
    partition,
    leader: replicas[0]!,
    replicas,
    isr: replicas,
    state,
    conditions: [state],
    preferredLeader: replicas[0]!,
    minIsr: 2,
    lag: 0,
    source: "zookeeper",
    ...over,
  };
}

export function report(over: Partial<HealthReport> = {}): HealthReport {
  const source = { live: true, stale: false, ageMs: 0 };
  return {
    healthy: true,
    stale: false,
    checkedAt: Date.UTC(2026, 11, 2, 15, 0, 0),
    reasons: [],
    cluster: {
      liveBrokers: [1, 2, 3],
      expectedBrokers: 3,
      controller: 1,
      sources: { zookeeper: source, admin: source },
      brokers: [],
    },
    partitions: [0, 1, 2].map((p) => partition(p, "ok")),
    disagreements: [],
    disagreementsSince: new Map(),
    ...over,
  };
}

export function window(start: number, counts: Record<string, number>): ClosedWindow {
  const words = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    start,
    end: start + 1000,
    messages: words,
    words,
    counts,
    distinctWords: Object.keys(counts).length,
    omittedWords: 0,
    maxUndercount: 0,
    commitOffsets: {},
  };
}

export const HOSTS = new Map([
  [1, "127.0.26.11:9092"],
  [2, "127.0.26.12:9092"],
  [3, "127.0.26.13:9092"],
]);
