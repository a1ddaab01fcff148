// Prometheus metrics (prom-client): gauges filled from the current health
// report on every scrape, counters fed by the stream.
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { PARTITION_STATES, type HealthReport } from "./health";
import { EXPORTER, OWN, type MetricSpec } from "./metrics";
import type { OffsetsView } from "./admin-source";
import type { ClosedWindow } from "./windows";

export interface MetricsSource {
  readonly groupId: string;
  report(): HealthReport;
  offsets(): OffsetsView;
}

export interface ServiceMetrics {
  readonly registry: Registry;
  /** The exposition text, refreshed from the current report. */
  render(): Promise<string>;
  windowClosed(w: ClosedWindow): void;
  commitFailed(): void;
}

/** Every gauge, in registration (and so exposition) order. */
const GAUGES = {
  brokers: EXPORTER.brokers,
  topicPartitions: EXPORTER.topicPartitions,
  leader: EXPORTER.leader,
  replicas: EXPORTER.replicas,
  isr: EXPORTER.inSyncReplica,
  under: EXPORTER.underReplicated,
  preferred: EXPORTER.leaderIsPreferred,
  current: EXPORTER.currentOffset,
  groupCurrent: EXPORTER.groupCurrentOffset,
  lag: EXPORTER.groupLag,
  minIsr: OWN.minIsr,
  atMin: OWN.atMinIsr,
  underMin: OWN.underMinIsr,
  offline: OWN.offline,
  state: OWN.state,
  healthy: OWN.healthy,
  expected: OWN.expectedBrokers,
  controller: OWN.controller,
  reachable: OWN.brokerReachable,
  stale: OWN.sourceStale,
  age: OWN.sourceAge,
  disagreements: OWN.disagreements,
  lastWords: OWN.lastWindowWords,
  lastDistinct: OWN.lastWindowDistinct,
  lastEnd: OWN.lastWindowEnd,
} as const satisfies Record<string, MetricSpec>;

type Gauges = Record<keyof typeof GAUGES, Gauge>;

/**
 * Cleared before each refresh, so a partition, topic or source that is gone
 * (or a value now unknown) drops out instead of keeping its last value. The
 * rest are set on every refresh, or by windowClosed.
 */
const RESET_EACH_SCRAPE: ReadonlyArray<keyof Gauges> = [
  "brokers",
  "topicPartitions",
  "leader",
  "replicas",
  "isr",
  "under",
  "preferred",
  "current",
  "groupCurrent",
  "lag",
  "minIsr",
  "atMin",
  "underMin",
  "offline",
  "state",
  "controller",
  "reachable",
  "stale",
  "age",
];

function registerGauges(registry: Registry): Gauges {
  const gauge = (spec: MetricSpec) =>
    new Gauge({ name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] });
  return Object.fromEntries(Object.entries(GAUGES).map(([key, spec]) => [key, gauge(spec)])) as Gauges;
}

function updateCluster(g: Gauges, r: HealthReport): void {
  if (r.cluster.liveBrokers) g.brokers.set(r.cluster.liveBrokers.length);
  g.expected.set(r.cluster.expectedBrokers);
  g.controller.set(r.cluster.controller ?? -1);
  g.healthy.set(r.healthy ? 1 : 0);
  g.disagreements.set(r.disagreements.filter((d) => d.reported).length);
  for (const b of r.cluster.brokers)
    if (b.reachable !== null) g.reachable.set({ broker: String(b.id) }, b.reachable ? 1 : 0);
  for (const [name, s] of Object.entries(r.cluster.sources)) {
    g.stale.set({ source: name }, s.stale ? 1 : 0);
    if (s.ageMs !== null) g.age.set({ source: name }, s.ageMs / 1000);
  }
}

type PartitionReport = HealthReport["partitions"][number];
type PartitionLabels = { topic: string; partition: string };

function updatePartition(g: Gauges, p: PartitionReport, l: PartitionLabels): void {
  g.leader.set(l, p.leader ?? -1);
  g.replicas.set(l, p.replicas.length);
  g.isr.set(l, p.isr.length);
  g.under.set(l, p.conditions.includes("under_replicated") ? 1 : 0);
  g.preferred.set(l, p.leader !== null && p.leader === p.preferredLeader ? 1 : 0);
  if (p.minIsr !== null) g.minIsr.set(l, p.minIsr);
  g.atMin.set(l, p.conditions.includes("at_min_isr") ? 1 : 0);
  g.underMin.set(l, p.conditions.includes("under_min_isr") ? 1 : 0);
  g.offline.set(l, p.conditions.includes("offline") ? 1 : 0);
  for (const s of PARTITION_STATES) g.state.set({ ...l, state: s }, p.state === s ? 1 : 0);
}

/** High watermark, the group's committed offset and its lag, where known. */
function updateOffsets(g: Gauges, groupId: string, l: PartitionLabels, o: OffsetsView): void {
  const key = `${l.topic}/${l.partition}`;
  const gl = { consumergroup: groupId, ...l };
  if (o.high[key] !== undefined) g.current.set(l, o.high[key]);
  if (o.committed[key] !== undefined) g.groupCurrent.set(gl, o.committed[key]);
  const lag = o.lag[key];
  if (lag !== undefined && lag !== null) g.lag.set(gl, lag);
}

/** One refresh per scrape, before prom-client reads the values. */
function refresh(g: Gauges, source: MetricsSource): void {
  const r = source.report();
  const o = source.offsets();
  for (const key of RESET_EACH_SCRAPE) g[key].reset();
  updateCluster(g, r);
  const perTopic = new Map<string, number>();
  for (const p of r.partitions) {
    perTopic.set(p.topic, (perTopic.get(p.topic) ?? 0) + 1);
    const l = { topic: p.topic, partition: String(p.partition) };
    updatePartition(g, p, l);
    updateOffsets(g, source.groupId, l, o);
  }
  for (const [topic, n] of perTopic) g.topicPartitions.set({ topic }, n);
}

/** prom-client's default metrics that are gauges with a `_total` suffix. */
const LINT_FAILING_DEFAULTS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

export function createMetrics(source: MetricsSource): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters fail `promtool check metrics`; each is the sum of its per-type gauge without the suffix.
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  const g = registerGauges(registry);
  const counter = (spec: MetricSpec) => new Counter({ name: spec.name, help: spec.help, registers: [registry] });
  const messages = counter(OWN.messages);
  const windowsClosed = counter(OWN.windowsClosed);
  const commitFailures = counter(OWN.commitFailures);
  return {
    registry,
    render: async () => {
      refresh(g, source);
      return registry.metrics();
    },
    windowClosed(w) {
      messages.inc(w.messages);
      windowsClosed.inc();
      g.lastWords.set(w.words);
      g.lastDistinct.set(w.distinctWords);
      g.lastEnd.set(w.end / 1000);
    },
    commitFailed: () => commitFailures.inc(),
  };
}
