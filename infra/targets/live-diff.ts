// Pure: whether two versions of a process's files differ only in lines that
// set broker settings Kafka applies live (infra/live-settings.ts), so the
// process needs its files rewritten but no restart (LiveBrokerSettings
// applies the change). Called from serialized providers: no imports, no captures.
import type { FileContent } from "../../lib/file-content";

/** The file's lines but those setting one of `liveKeys` (`key=value`, as render.ts writes them). */
function withoutLiveLines(text: string, liveKeys: readonly string[]): string {
  return text
    .split("\n")
    .filter((line) => {
      const eq = line.indexOf("=");
      return eq <= 0 || line.startsWith("#") || !liveKeys.includes(line.slice(0, eq).trim());
    })
    .join("\n");
}

/**
 * True when `olds` and `news` (path -> content) differ, and every difference
 * is a line of one of `liveKeys` in a file inline in both: added, removed or
 * with another value. A path added or removed, a file referenced by hash, or
 * any other line differing is false (a restart).
 */
export function differsOnlyInLiveKeys(
  olds: Readonly<Record<string, FileContent>> | undefined,
  news: Readonly<Record<string, FileContent>> | undefined,
  liveKeys: readonly string[],
): boolean {
  if (!olds || !news) return false;
  const paths = Object.keys(news);
  if (paths.length !== Object.keys(olds).length || paths.some((p) => !(p in olds))) return false;
  let differs = false;
  for (const p of paths) {
    const a = olds[p];
    const b = news[p];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (typeof a !== "string" || typeof b !== "string") return false;
    if (withoutLiveLines(a, liveKeys) !== withoutLiveLines(b, liveKeys)) return false;
    differs = true;
  }
  return differs;
}

/**
 * The process diff's question (`changed`: the inputs that differ): is this
 * update only a rewrite of files, with no restart? True when nothing but
 * `files` and `liveKeys` changed and the files differ, if at all, only in
 * lines of the new `liveKeys` (a broker's: LIVE_BROKER_SETTINGS). A process
 * without `liveKeys` never qualifies.
 */
export function rewritesOnly(
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
  changed: readonly string[],
): boolean {
  const liveKeys = news.liveKeys;
  if (!Array.isArray(liveKeys) || changed.length === 0) return false;
  if (!changed.every((k) => k === "files" || k === "liveKeys")) return false;
  if (!changed.includes("files")) return true;
  type Files = Record<string, FileContent>;
  return differsOnlyInLiveKeys(olds.files as Files | undefined, news.files as Files | undefined, liveKeys as string[]);
}
