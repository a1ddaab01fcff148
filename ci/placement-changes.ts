// Pure: the preview's words for BrokerPlacement (infra/placement/): brokers
// added or removed, and which replicas move because of it.
import type { Change, Props } from "./preview-json";

const idsOf = (p: Props | undefined): number[] => (Array.isArray(p?.brokers) ? (p.brokers as number[]) : []);
const countsOf = (p: Props | undefined): Record<string, number> =>
  p?.replicasByBroker && typeof p.replicasByBroker === "object" ? (p.replicasByBroker as Record<string, number>) : {};

function spreadWords(rebalance: unknown): string | undefined {
  if (rebalance === true) return "every topic's replicas spread onto them";
  if (Array.isArray(rebalance)) return `replicas of ${rebalance.join(", ")} spread onto them`;
  return undefined;
}

/** A BrokerPlacement step: moves are throttled and keep every partition in sync, so safe. */
export function placementChange(op: string, olds: Props | undefined, news: Props | undefined): Change {
  const resource = "replica placement";
  if (op === "delete") return { impact: "safe", resource, op, what: "no longer managed; replicas stay where they are" };
  const before = idsOf(olds);
  const after = idsOf(news);
  const added = after.filter((b) => !before.includes(b));
  const removed = before.filter((b) => !after.includes(b));
  const throttle = `throttled to ${Number(news?.throttleBytesPerSecond ?? 0)} B/s per broker`;
  const words: string[] = [];
  if (op === "create") words.push(`brokers ${after.join(", ")}`);
  if (added.length) {
    const spread = spreadWords(news?.rebalance);
    words.push(
      `broker${added.length > 1 ? "s" : ""} ${added.join(", ")} added${spread ? `: ${spread}, ${throttle}` : ", no replicas move (no rebalance declared)"}`,
    );
  }
  for (const b of removed) {
    const n = countsOf(olds)[String(b)] ?? 0;
    words.push(
      `broker ${b} removed: ${n} replica${n === 1 ? "" : "s"} (at the last up) move to the others first, ${throttle}`,
    );
  }
  if (!added.length && !removed.length && op !== "create") {
    words.push(`${spreadWords(news?.rebalance) ?? "rules changed"}, ${throttle}`);
  }
  return { impact: "safe", resource, op, what: words.join("; ") };
}
