// Per-window word counting in bounded memory: exact up to `maxWords` distinct
// words, then a heavy-hitter summary (Misra-Gries, batched) with a known error
// bound, and a HyperLogLog sketch for the number of distinct words.

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'-]*/gu;

/** Words longer than this are counted by their first MAX_WORD_LENGTH characters: a kept word's size is bounded. */
export const MAX_WORD_LENGTH = 100;

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
 * A flat copy of text[start, end). V8's slice of 13 or more characters points
 * into its parent string, so a kept word would hold its whole message (up to
 * a megabyte) in memory for as long as the window keeps the word.
 */
function copyOf(text: string, start: number, end: number): string {
  if (end - start < 13) return text.slice(start, end);
  const codes = new Array<number>(end - start);
  for (let i = start; i < end; i++) codes[i - start] = text.charCodeAt(i);
  return String.fromCharCode.apply(null, codes);
}

/** HyperLogLog with 2^10 registers: about 3% standard error, 1 KB. */
const HLL_BITS = 10;
const HLL_M = 1 << HLL_BITS;
const HLL_ALPHA = 0.7213 / (1 + 1.079 / HLL_M);

/** Murmur3's finalizer: FNV-1a's high bits mix poorly, and HyperLogLog reads them. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Count per word, as a hash table with open addressing keyed by ranges of a
 * text: a word already seen is counted by comparing it in place, so only new
 * words become strings. This runs for every word of every message, where a
 * Map would need a new string, and its hash, per word.
 *
 * At most `maxWords` words are kept. A new word that finds the table full
 * first subtracts the median count from every count and drops those that
 * reach zero (Misra-Gries with batched decrements): at least half the table
 * is freed, and `undercount`, the sum of the medians subtracted, bounds how
 * far any kept count is below the true one. Each subtraction of d takes d from
 * at least half of the maxWords counts, so undercount <= 2 * words / maxWords,
 * and every word counted more often than that is still kept.
 */
export class WordCounts {
  private mask = 255;
  private words: (string | undefined)[] = new Array(256).fill(undefined);
  private hashes = new Int32Array(256);
  private counts = new Float64Array(256);
  private readonly registers = new Uint8Array(HLL_M);
  size = 0;
  /** Sum of the decrements: each kept count is at most this far below the true count; 0 while exact. */
  undercount = 0;
  /** Counts dropped from the table by decrements (a word dropped twice counts twice). */
  evicted = 0;

  constructor(readonly maxWords = Infinity) {
    if (!(maxWords >= 2)) throw new RangeError(`maxWords must be at least 2, got ${maxWords}`);
  }

  /** Counts text[start, end), whose FNV-1a hash is `hash`. */
  add(text: string, start: number, end: number, hash: number): void {
    if (end - start > MAX_WORD_LENGTH) {
      end = start + MAX_WORD_LENGTH;
      hash = hashOf(text, start, end);
    }
    const len = end - start;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const w = this.words[i];
      if (w === undefined) {
        if (this.size >= this.maxWords) {
          this.decrement();
          return this.add(text, start, end, hash);
        }
        this.words[i] = copyOf(text, start, end);
        this.hashes[i] = hash;
        this.counts[i] = 1;
        this.sketch(hash);
        if (++this.size * 2 > this.mask) this.rebuild(this.words.length * 2, 0);
        return;
      }
      if (this.hashes[i] === hash && w.length === len && text.startsWith(w, start)) {
        this.counts[i]!++;
        return;
      }
    }
  }

  /** Distinct words counted: exact until the first decrement, then HyperLogLog's estimate. */
  distinct(): number {
    if (this.undercount === 0) return this.size;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    let e = (HLL_ALPHA * HLL_M * HLL_M) / sum;
    if (e <= 2.5 * HLL_M && zeros > 0) e = HLL_M * Math.log(HLL_M / zeros);
    return Math.max(this.size, Math.round(e));
  }

  entries(): [string, number][] {
    const out: [string, number][] = [];
    for (let i = 0; i < this.words.length; i++) {
      const w = this.words[i];
      if (w !== undefined) out.push([w, this.counts[i]!]);
    }
    return out;
  }

  /** The `n` most frequent words, most frequent first (ties by word). */
  top(n: number): [string, number][] {
    const sorted = this.entries().sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (sorted.length > n) sorted.length = n;
    return sorted;
  }

  private sketch(hash: number): void {
    const h = mix(hash);
    const i = h >>> (32 - HLL_BITS);
    const rank = Math.clz32((h << HLL_BITS) | (1 << (HLL_BITS - 1))) + 1;
    if (rank > this.registers[i]!) this.registers[i] = rank;
  }

  private decrement(): void {
    const live = new Float64Array(this.size);
    let k = 0;
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== undefined) live[k++] = this.counts[i]!;
    live.sort();
    const d = live[(this.size - 1) >> 1]!;
    this.undercount += d;
    this.rebuild(this.words.length, d);
  }

  /** A table of `slots` slots holding the counts above `minus`, each less `minus`. */
  private rebuild(slots: number, minus: number): void {
    const { words, hashes, counts } = this;
    this.mask = slots - 1;
    this.words = new Array(slots).fill(undefined);
    this.hashes = new Int32Array(slots);
    this.counts = new Float64Array(slots);
    for (let j = 0; j < words.length; j++) {
      const w = words[j];
      if (w === undefined) continue;
      if (counts[j]! <= minus) {
        this.size--;
        this.evicted++;
        continue;
      }
      let i = hashes[j]! & this.mask;
      while (this.words[i] !== undefined) i = (i + 1) & this.mask;
      this.words[i] = w;
      this.hashes[i] = hashes[j]!;
      this.counts[i] = counts[j]! - minus;
    }
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
