// Tumbling-window word counts over processing time, like the classic Spark
// streaming example over Kafka. Each window also remembers, per partition, the
// next offset after the last message it counted: offsets are committed only
// once the window holding those messages has been emitted (at-least-once).

export interface ClosedWindow {
  /** Window start, ms since the epoch (inclusive). */
  readonly start: number;
  /** Window end, ms since the epoch (exclusive). */
  readonly end: number;
  readonly messages: number;
  readonly words: number;
  /** Count per word, most frequent first (ties by word). */
  readonly counts: Record<string, number>;
  /** "topic/partition" -> the offset to commit (last counted + 1). */
  readonly commitOffsets: Record<string, string>;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'-]*/gu;

/** Lower-case words: a letter or digit, then letters, digits, apostrophes and hyphens. */
export function splitWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** ASCII classes after lower-casing: 1 starts or continues a word (a-z, 0-9), 2 only continues it (' and -). */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASS[c] = /[a-z0-9]/.test(ch) ? 1 : ch === "'" || ch === "-" ? 2 : 0;
}

/**
 * Adds the words of `text` (as splitWords finds them) to `counts`; returns how
 * many there were. This runs for every message, so ASCII text is scanned by
 * character code without building an array of words; other text takes the
 * Unicode-aware regular expression.
 */
export function countWords(text: string, counts: Map<string, number>): number {
  const lower = text.toLowerCase();
  const n = lower.length;
  for (let i = 0; i < n; i++) {
    if (lower.charCodeAt(i) > 127) {
      const words = lower.match(WORD) ?? [];
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
      return words.length;
    }
  }
  let words = 0;
  let i = 0;
  while (i < n) {
    if (ASCII_CLASS[lower.charCodeAt(i)] !== 1) {
      i++;
      continue;
    }
    const start = i++;
    while (i < n && ASCII_CLASS[lower.charCodeAt(i)] !== 0) i++;
    const word = lower.slice(start, i);
    counts.set(word, (counts.get(word) ?? 0) + 1);
    words++;
  }
  return words;
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
  counts: Map<string, number>;
  /** Highest offset counted per partition, as Kafka gives it (a decimal string). */
  offsets: Map<string, string>;
}

export class TumblingWindows {
  private open: OpenWindow | undefined;

  constructor(readonly windowMs: number) {
    if (!Number.isInteger(windowMs) || windowMs < 1) throw new RangeError(`windowMs must be a whole number >= 1, got ${windowMs}`);
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
    const w = (this.open ??= { start: this.windowStart(now), messages: 0, words: 0, counts: new Map(), offsets: new Map() });
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
    const sorted = [...w.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      start: w.start,
      end: w.start + this.windowMs,
      messages: w.messages,
      words: w.words,
      counts: Object.fromEntries(sorted),
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
export function mergeOffsets(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    if (old === undefined || BigInt(v) > BigInt(old)) out[k] = v;
  }
  return out;
}

/** Keeps the latest `size` closed windows, newest first. */
export class WindowHistory {
  private readonly items: ClosedWindow[] = [];
  constructor(readonly size: number) {}

  push(w: ClosedWindow): void {
    this.items.unshift(w);
    if (this.items.length > this.size) this.items.length = this.size;
  }

  latest(): readonly ClosedWindow[] {
    return this.items;
  }
}
