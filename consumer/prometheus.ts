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

export function createMetrics(source: MetricsSource): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauges: Gauge[] = [];
  const gauge = (spec: MetricSpec): Gauge => {
    const g = new Gauge({ name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] });
    gauges.push(g);
    return g;
  };
  const counter = (spec: MetricSpec) => new Counter({ name: spec.name, help: spec.help, registers: [registry] });

  const g = {
    brokers: gauge(EXPORTER.brokers),
    topicPartitions: gauge(EXPORTER.topicPartitions),
    leader: gauge(EXPORTER.leader),
    replicas: gauge(EXPORTER.replicas),
    isr: gauge(EXPORTER.inSyncReplica),
    under: gauge(EXPORTER.underReplicated),
    preferred: gauge(EXPORTER.leaderIsPreferred),
    current: gauge(EXPORTER.currentOffset),
    groupCurrent: gauge(EXPORTER.groupCurrentOffset),
    lag: gauge(EXPORTER.groupLag),
    minIsr: gauge(OWN.minIsr),
    atMin: gauge(OWN.atMinIsr),
    underMin: gauge(OWN.underMinIsr),
    offline: gauge(OWN.offline),
    state: gauge(OWN.state),
    healthy: gauge(OWN.healthy),
    expected: gauge(OWN.expectedBrokers),
    controller: gauge(OWN.controller),
    stale: gauge(OWN.sourceStale),
    age: gauge(OWN.sourceAge),
    disagreements: gauge(OWN.disagreements),
    lastWords: gauge(OWN.lastWindowWords),
    lastDistinct: gauge(OWN.lastWindowDistinct),
    lastEnd: gauge(OWN.lastWindowEnd),
  };
  const messages = counter(OWN.messages);
  const windowsClosed = counter(OWN.windowsClosed);
  const commitFailures = counter(OWN.commitFailures);

  // One refresh per scrape, before prom-client reads the values.
  const refresh = (): void => {
    const r = source.report();
    const o = source.offsets();
    for (const x of [g.brokers, g.topicPartitions, g.leader, g.replicas, g.isr, g.under, g.preferred, g.current, g.groupCurrent, g.lag, g.minIsr, g.atMin, g.underMin, g.offline, g.state, g.controller, g.stale, g.age]) x.reset();
    if (r.cluster.liveBrokers) g.brokers.set(r.cluster.liveBrokers.length);
    g.expected.set(r.cluster.expectedBrokers);
    g.controller.set(r.cluster.controller ?? -1);
    g.healthy.set(r.healthy ? 1 : 0);
    g.disagreements.set(r.disagreements.filter((d) => d.reported).length);
    for (const [name, s] of Object.entries(r.cluster.sources)) {
      g.stale.set({ source: name }, s.stale ? 1 : 0);
      if (s.ageMs !== null) g.age.set({ source: name }, s.ageMs / 1000);
    }
    const perTopic = new Map<string, number>();
    for (const p of r.partitions) {
      perTopic.set(p.topic, (perTopic.get(p.topic) ?? 0) + 1);
      const l = { topic: p.topic, partition: String(p.partition) };
      const key = `${p.topic}/${p.partition}`;
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
      const gl = { consumergroup: source.groupId, ...l };
      if (o.high[key] !== undefined) g.current.set(l, o.high[key]);
      if (o.committed[key] !== undefined) g.groupCurrent.set(gl, o.committed[key]);
      const lag = o.lag[key];
      if (lag !== undefined && lag !== null) g.lag.set(gl, lag);
    }
    for (const [topic, n] of perTopic) g.topicPartitions.set({ topic }, n);
  };

  return {
    registry,
    render: async () => {
      refresh();
      return registry.metrics();
    },
    windowClosed(w) {
      messages.inc(w.messages);
      windowsClosed.inc();
      g.lastWords.set(w.words);
      g.lastDistinct.set(Object.keys(w.counts).length);
      g.lastEnd.set(w.end / 1000);
    },
    commitFailed: () => commitFailures.inc(),
  };
}
