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

/** ASCII classes: 1 starts or continues a word (letters, digits), 2 only continues it (' and -). */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASS[c] = /[A-Za-z0-9]/.test(ch) ? 1 : ch === "'" || ch === "-" ? 2 : 0;
}

/** FNV-1a over the char codes text[start, end). */
function hashOf(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h;
}

/**
 * Count per word, as a hash table with open addressing keyed by ranges of a
 * text: a word already seen is counted by comparing it in place, so only new
 * words become strings. This runs for every word of every message, where a
 * Map would need a new string, and its hash, per word.
 */
export class WordCounts {
  private mask = 255;
  private words: (string | undefined)[] = new Array(256).fill(undefined);
  private hashes = new Int32Array(256);
  private counts = new Float64Array(256);
  size = 0;

  /** Counts text[start, end), whose FNV-1a hash is `hash`. */
  add(text: string, start: number, end: number, hash: number): void {
    const len = end - start;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const w = this.words[i];
      if (w === undefined) {
        this.words[i] = text.slice(start, end);
        this.hashes[i] = hash;
        this.counts[i] = 1;
        if (++this.size * 2 > this.mask) this.grow();
        return;
      }
      if (this.hashes[i] === hash && w.length === len && text.startsWith(w, start)) {
        this.counts[i]!++;
        return;
      }
    }
  }

  private grow(): void {
    const { words, hashes, counts } = this;
    const size = words.length * 2;
    this.mask = size - 1;
    this.words = new Array(size).fill(undefined);
    this.hashes = new Int32Array(size);
    this.counts = new Float64Array(size);
    for (let j = 0; j < words.length; j++) {
      const w = words[j];
      if (w === undefined) continue;
      let i = hashes[j]! & this.mask;
      while (this.words[i] !== undefined) i = (i + 1) & this.mask;
      this.words[i] = w;
      this.hashes[i] = hashes[j]!;
      this.counts[i] = counts[j]!;
    }
  }

  entries(): [string, number][] {
    const out: [string, number][] = [];
    for (let i = 0; i < this.words.length; i++) {
      const w = this.words[i];
      if (w !== undefined) out.push([w, this.counts[i]!]);
    }
    return out;
  }
}

/**
 * Adds the words of `text` (as splitWords finds them) to `counts`; returns how
 * many there were. ASCII text is scanned by character code (lower-cased only
 * if it has capitals); other text takes the Unicode-aware regular expression.
 */
export function countWords(text: string, counts: WordCounts): number {
  let n = text.length;
  let upper = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) {
      const words = text.toLowerCase().match(WORD) ?? [];
      for (const word of words) counts.add(word, 0, word.length, hashOf(word, 0, word.length));
      return words.length;
    }
    if (c >= 65 && c <= 90) upper = true;
  }
  const t = upper ? text.toLowerCase() : text;
  n = t.length;
  let words = 0;
  let i = 0;
  while (i < n) {
    if (ASCII_CLASS[t.charCodeAt(i)] !== 1) {
      i++;
      continue;
    }
    const start = i;
    let h = 0x811c9dc5;
    for (; i < n; i++) {
      const c = t.charCodeAt(i);
      if (ASCII_CLASS[c] === 0) break;
      h = Math.imul(h ^ c, 16777619);
    }
    counts.add(t, start, i, h);
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
  counts: WordCounts;
  /** Highest offset counted per partition, as Kafka gives it (a decimal string). */
  offsets: Map<string, string>;
}

export class TumblingWindows {
  private open: OpenWindow | undefined;

  constructor(readonly windowMs: number) {
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
      counts: new WordCounts(),
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
    const sorted = w.counts.entries().sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
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
