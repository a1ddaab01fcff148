// Pure: the preview's words for broker settings applied live
// (LiveBrokerSettings: applied through the admin API, no restart), and for a
// broker process whose update only rewrites those lines (no restart).
import type { Change, Props } from "./preview-json";

const settingsOf = (p: Props | undefined): Record<string, string> =>
  p?.settings && typeof p.settings === "object" ? (p.settings as Record<string, string>) : {};

/** Each setting added, changed or no longer declared, in words. */
function settingsDelta(a: Record<string, string>, b: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!(k in b)) out.push(`${k} reverted (no longer declared)`);
    else if (!(k in a)) out.push(`${k}=${b[k]} (new)`);
    else if (a[k] !== b[k]) out.push(`${k} ${a[k]} → ${b[k]}`);
  }
  return out;
}

/** A LiveBrokerSettings step: always safe, nothing restarts. */
export function liveSettingsChange(op: string, olds: Props | undefined, news: Props | undefined): Change {
  const resource = "broker settings applied live";
  const brokers = Array.isArray((news ?? olds)?.brokerIds) ? ((news ?? olds)!.brokerIds as number[]) : [];
  const on = brokers.length ? ` on brokers ${brokers.join(", ")}` : "";
  if (op === "delete") {
    return { impact: "safe", resource, op, what: `reverted${on}, no restart: back to server.properties` };
  }
  const b = settingsOf(news);
  const delta = op === "create" ? Object.keys(b).map((k) => `${k}=${b[k]}`) : settingsDelta(settingsOf(olds), b);
  const what = delta.length ? delta.join(", ") : `applied again${on} (brokers or their address changed)`;
  return { impact: "safe", resource, op, what: `applied live, no restart${on}: ${what}` };
}

/** A process update that only rewrites its files (the live settings lines), or only the list of live keys: no restart. */
export function rewriteChange(resource: string, config: string | undefined, delta: readonly string[]): Change {
  const what = delta.length
    ? `${config} rewritten, no restart (applied live: ${delta.join("; ")})`
    : "no restart (only the list of settings it applies live changed)";
  return { impact: "safe", resource, op: "update", what };
}
