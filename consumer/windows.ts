// Tumbling-window word counts over processing time, like the classic Spark
// streaming example over Kafka. Each window also remembers, per partition, the
// next offset after the last message it counted: offsets are committed only
// once the window holding those messages has been emitted (at-least-once).
// Memory is bounded whatever the data: a window counts at most `maxWords`
// words (word-counts.ts), a closed one keeps its `topWords` most frequent, and
// the history keeps at most `maxEntries` words over all its windows.
import { countWords, WordCounts } from "./word-counts";

export { countWords, splitWords, WordCounts, MAX_WORD_LENGTH } from "./word-counts";

export interface ClosedWindow {
  /** Window start, ms since the epoch (inclusive). */
  readonly start: number;
  /** Window end, ms since the epoch (exclusive). */
  readonly end: number;
  readonly messages: number;
  readonly words: number;
  /** Count per word of the window's most frequent words (at most topWords), most frequent first (ties by word). */
  readonly counts: Record<string, number>;
  /** Distinct words in the window: exact while `maxUndercount` is 0, else an estimate (about 3% standard error). */
  readonly distinctWords: number;
  /** Distinct words not listed in `counts` (dropped past maxWords or beyond topWords). */
  readonly omittedWords: number;
  /** 0: every count is exact. Else the window had more than maxWords distinct words, and each listed count is at most this much below the true one. */
  readonly maxUndercount: number;
  /** "topic/partition" -> the offset to commit (last counted + 1). */
  readonly commitOffsets: Record<string, string>;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}/${partition}`;

export function parsePartitionKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf("/");
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

interface OpenWindow {
  start: number;
  messages: number;
  words: number;
  counts: WordCounts;
  /** Highest offset counted per partition, as Kafka gives it (a decimal string). */
  offsets: Map<string, string>;
}

export interface WindowLimits {
  /** Distinct words a window counts exactly; past it, heavy hitters only. */
  readonly maxWords: number;
  /** Words a closed window keeps (and /stats, the log and the output topic show). */
  readonly topWords: number;
}

export const DEFAULT_LIMITS: WindowLimits = { maxWords: 10_000, topWords: 1_000 };

export class TumblingWindows {
  private open: OpenWindow | undefined;

  constructor(
    readonly windowMs: number,
    readonly limits: WindowLimits = DEFAULT_LIMITS,
  ) {
    if (!Number.isInteger(windowMs) || windowMs < 1)
      throw new RangeError(`windowMs must be a whole number >= 1, got ${windowMs}`);
  }

  /** The start of the window that `now` falls in. */
  windowStart(now: number): number {
    return now - (((now % this.windowMs) + this.windowMs) % this.windowMs);
  }

  /**
   * Counts one message of partition `key` (partitionKey) at processing time
   * `now`; returns the window it closed, if `now` is past the open one.
   * Offsets are strings, as Kafka clients give them.
   */
  add(text: string, now: number, key: string, offset: string): ClosedWindow | undefined {
    const closed = this.tick(now);
    const w = (this.open ??= {
      start: this.windowStart(now),
      messages: 0,
      words: 0,
      counts: new WordCounts(this.limits.maxWords),
      offsets: new Map(),
    });
    w.messages += 1;
    w.words += countWords(text, w.counts);
    const seen = w.offsets.get(key);
    if (seen === undefined || greater(offset, seen)) w.offsets.set(key, offset);
    return closed;
  }

  /** Closes the open window if `now` is at or past its end. */
  tick(now: number): ClosedWindow | undefined {
    if (this.open && now >= this.open.start + this.windowMs) return this.flush();
    return undefined;
  }

  /** Closes the open window now, whatever the time (shutdown, rebalance). */
  flush(): ClosedWindow | undefined {
    const w = this.open;
    if (!w) return undefined;
    this.open = undefined;
    const top = w.counts.top(this.limits.topWords);
    const distinctWords = w.counts.distinct();
    return {
      start: w.start,
      end: w.start + this.windowMs,
      messages: w.messages,
      words: w.words,
      counts: Object.fromEntries(top),
      distinctWords,
      omittedWords: Math.max(0, distinctWords - top.length),
      maxUndercount: w.counts.undercount,
      commitOffsets: Object.fromEntries([...w.offsets.entries()].map(([k, v]) => [k, (BigInt(v) + 1n).toString()])),
    };
  }

  /** Messages in the open window (not yet emitted or committed). */
  get pendingMessages(): number {
    return this.open?.messages ?? 0;
  }
}

/** a > b for non-negative decimal strings, without parsing (this runs per message). */
function greater(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** Merges offsets still to commit: the higher offset per partition wins. */
export function mergeOffsets(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    if (old === undefined || BigInt(v) > BigInt(old)) out[k] = v;
  }
  return out;
}

/** Keeps the latest `size` closed windows, newest first, and fewer when they list more than `maxEntries` words in all (never fewer than one). */
export class WindowHistory {
  private readonly items: ClosedWindow[] = [];
  private readonly entries: number[] = [];
  private total = 0;
  constructor(
    readonly size: number,
    readonly maxEntries = Infinity,
  ) {}

  push(w: ClosedWindow): void {
    const n = Object.keys(w.counts).length;
    this.items.unshift(w);
    this.entries.unshift(n);
    this.total += n;
    while (this.items.length > this.size || (this.items.length > 1 && this.total > this.maxEntries)) {
      this.items.pop();
      this.total -= this.entries.pop()!;
    }
  }

  latest(): readonly ClosedWindow[] {
    return this.items;
  }
}
