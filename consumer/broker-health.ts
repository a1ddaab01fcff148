// The health report's broker list: every broker ZooKeeper lists or the
// direct probe knows, with whether it is registered and whether it answers.
// A broker the probe cannot reach makes the report unhealthy at once, well
// before its ZooKeeper session expires.
import type { BrokerReachability } from "./broker-probe";

export interface BrokerHealth {
  readonly id: number;
  /** host:port the probe uses; null when the probe does not know the broker yet. */
  readonly address: string | null;
  /** Listed live by the cluster's record (ZooKeeper, or the admin API while ZooKeeper is stale). */
  readonly registered: boolean;
  /** The direct probe's verdict; null before its first probe settled (or without a probe). */
  readonly reachable: boolean | null;
  /** While unreachable: since when (ISO 8601) and why. */
  readonly unreachableSince?: string;
  readonly reason?: string;
}

/** One entry per broker, by id; a reason for each broker the probe cannot reach. */
export function brokersHealth(
  liveBrokers: readonly number[] | null,
  probes: readonly BrokerReachability[],
  reasons: string[],
): BrokerHealth[] {
  const byId = new Map(probes.map((p) => [p.id, p]));
  const ids = [...new Set([...(liveBrokers ?? []), ...byId.keys()])].sort((a, b) => a - b);
  return ids.map((id): BrokerHealth => {
    const p = byId.get(id);
    const base = { id, address: p?.address ?? null, registered: liveBrokers?.includes(id) ?? false };
    if (p?.reachable !== false) return { ...base, reachable: p?.reachable ?? null };
    const since = new Date(p.since ?? 0).toISOString();
    const reason = p.reason ?? "no answer";
    reasons.push(`broker ${id} (${p.address}) unreachable since ${since}: ${reason}`);
    return { ...base, reachable: false, unreachableSince: since, reason };
  });
}
