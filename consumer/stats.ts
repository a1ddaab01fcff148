// GET /stats, bounded: the newest `windows` windows with their `top` words
// each, and never more than STATS_MAX_CHARS of JSON, however many windows are
// kept: every answer is held in memory until a (maybe slow) client reads it.
import type { StreamStats } from "./stream";
import type { ClosedWindow } from "./windows";

/** Characters of windows in one answer (compact JSON; the newest window is always shown). */
export const STATS_MAX_CHARS = 256 * 1024;
export const STATS_DEFAULT_TOP = 100;

export interface StatsQuery {
  readonly windows: number;
  readonly top: number;
}

/** ?windows=N&top=N, each a whole number >= 1; or the error naming the parameter and its value. */
export function parseStatsQuery(params: URLSearchParams): { query: StatsQuery } | { error: string } {
  const read = (name: string, fallback: number): number | string => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1)
      return `query parameter ${name} must be a whole number from 1 to 999999, got ${JSON.stringify(raw.slice(0, 40))}`;
    return Number(raw);
  };
  const windows = read("windows", Infinity);
  const top = read("top", STATS_DEFAULT_TOP);
  if (typeof windows === "string") return { error: windows };
  if (typeof top === "string") return { error: top };
  return { query: { windows, top } };
}

function trimmed(w: ClosedWindow, top: number): ClosedWindow {
  const entries = Object.entries(w.counts);
  if (entries.length <= top) return w;
  return {
    ...w,
    counts: Object.fromEntries(entries.slice(0, top)),
    omittedWords: w.omittedWords + entries.length - top,
  };
}

export function statsBody(stats: StreamStats, q: StatsQuery, maxChars = STATS_MAX_CHARS): unknown {
  const windows: ClosedWindow[] = [];
  let chars = 0;
  for (const w of stats.windows) {
    if (windows.length >= q.windows) break;
    const t = trimmed(w, q.top);
    chars += JSON.stringify(t).length;
    if (windows.length > 0 && chars > maxChars) break;
    windows.push(t);
  }
  return {
    ...stats,
    windows,
    windowsKept: stats.windows.length,
    windowsOmitted: stats.windows.length - windows.length,
  };
}
