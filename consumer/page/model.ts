// What the status page shows, as one JSON-friendly snapshot built from the
// health report, the stream's windows and the brokers' addresses: the page's
// first paint and every server-sent update carry one.
import type { HealthReport, PartitionState } from "../health";
import type { ClosedWindow } from "../windows";

export interface PageBroker {
  readonly id: number;
  readonly up: boolean;
  readonly controller: boolean;
  /** host:port as the brokers last advertised it; null before it was ever seen. */
  readonly host: string | null;
  /** The direct probe's verdict; missing before its first probe (or without one). */
  readonly reachable?: boolean;
  /** Why the probe cannot reach it, while it cannot. */
  readonly unreachableReason?: string;
}

export interface PagePartition {
  readonly partition: number;
  readonly leader: number | null;
  readonly preferredLeader: number | null;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly state: PartitionState;
  readonly conditions: readonly PartitionState[];
  /** The consumer group's lag; null when unknown (offline partition, not asked yet). */
  readonly lag: number | null;
}

export interface PageTopic {
  readonly name: string;
  readonly minIsr: number | null;
  readonly partitions: readonly PagePartition[];
}

export interface PageWords {
  /** How many of the latest windows the counts add up. */
  readonly windows: number;
  /** Span they cover (ms since the epoch); null without windows. */
  readonly from: number | null;
  readonly to: number | null;
  readonly messages: number;
  /** Most frequent first. */
  readonly top: ReadonlyArray<readonly [string, number]>;
}

export interface PageSnapshot {
  readonly checkedAt: number;
  readonly healthy: boolean;
  readonly stale: boolean;
  readonly reasons: readonly string[];
  readonly group: string;
  readonly expectedBrokers: number;
  readonly controller: number | null;
  readonly sources: Readonly<Record<string, { live: boolean; stale: boolean }>>;
  readonly brokers: readonly PageBroker[];
  readonly topics: readonly PageTopic[];
  readonly words: PageWords;
}

export interface PageInputs {
  readonly report: HealthReport;
  readonly topics: readonly string[];
  readonly group: string;
  /** Broker id -> host:port, every broker ever seen (a stopped one keeps its address). */
  readonly hosts: ReadonlyMap<number, string>;
  /** Newest first. */
  readonly windows: readonly ClosedWindow[];
}

/** Windows the word chart adds up, and the words it shows. */
export const CHART_WINDOWS = 10;
export const CHART_WORDS = 10;

/** Every broker known: live ones, ones seen before or probed, and any a partition names as a replica. */
function brokersOf(report: HealthReport, hosts: ReadonlyMap<number, string>): PageBroker[] {
  const live = report.cluster.liveBrokers ?? [];
  const probed = new Map(report.cluster.brokers.map((b) => [b.id, b]));
  const ids = new Set<number>([...live, ...hosts.keys(), ...probed.keys()]);
  for (const p of report.partitions) for (const r of p.replicas) ids.add(r);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => {
      const b = probed.get(id);
      return {
        id,
        up: live.includes(id),
        controller: report.cluster.controller === id,
        host: hosts.get(id) ?? b?.address ?? null,
        ...(b && b.reachable !== null ? { reachable: b.reachable } : {}),
        ...(b?.reason ? { unreachableReason: b.reason } : {}),
      };
    });
}

function topicsOf(report: HealthReport, names: readonly string[]): PageTopic[] {
  return names.map((name) => {
    const rows = report.partitions.filter((p) => p.topic === name);
    return {
      name,
      minIsr: rows[0]?.minIsr ?? null,
      partitions: rows.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        preferredLeader: p.preferredLeader,
        replicas: p.replicas,
        isr: p.isr,
        state: p.state,
        conditions: p.conditions,
        lag: p.lag,
      })),
    };
  });
}

/** The top words of the latest windows, added up. */
export function wordsOf(windows: readonly ClosedWindow[], n = CHART_WINDOWS, top = CHART_WORDS): PageWords {
  const latest = windows.slice(0, n);
  const totals = new Map<string, number>();
  let messages = 0;
  for (const w of latest) {
    messages += w.messages;
    for (const [word, count] of Object.entries(w.counts)) totals.set(word, (totals.get(word) ?? 0) + count);
  }
  const sorted = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
  return {
    windows: latest.length,
    from: latest.length ? latest[latest.length - 1]!.start : null,
    to: latest.length ? latest[0]!.end : null,
    messages,
    top: sorted,
  };
}

export function pageSnapshot({ report, topics, group, hosts, windows }: PageInputs): PageSnapshot {
  const sources: Record<string, { live: boolean; stale: boolean }> = {};
  for (const [name, s] of Object.entries(report.cluster.sources)) sources[name] = { live: s.live, stale: s.stale };
  return {
    checkedAt: report.checkedAt,
    healthy: report.healthy,
    stale: report.stale,
    reasons: report.reasons,
    group,
    expectedBrokers: report.cluster.expectedBrokers,
    controller: report.cluster.controller,
    sources,
    brokers: brokersOf(report, hosts),
    topics: topicsOf(report, topics),
    words: wordsOf(windows),
  };
}
