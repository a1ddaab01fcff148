import { describe, expect, it } from "vitest";
import { countWords, MAX_WORD_LENGTH, WordCounts } from "../../../consumer/word-counts";
import { TumblingWindows } from "../../../consumer/windows";

/** A deterministic shuffle, so a failure is the same on every run. */
function shuffled<T>(items: T[], seed = 7): T[] {
  let s = seed;
  for (let i = items.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe("WordCounts past its word limit", () => {
  const heavy = { alpha: 5_000, beta: 3_000, gamma: 1_000, delta: 400 };

  function feed(maxWords: number, distinct: number): { counts: WordCounts; total: number } {
    const words: string[] = Array.from({ length: distinct }, (_, i) => `id-${i.toString(36)}-${i * 7919}`);
    for (const [w, n] of Object.entries(heavy)) for (let i = 0; i < n; i++) words.push(w);
    const counts = new WordCounts(maxWords);
    let total = 0;
    const list = shuffled(words);
    // 100 words a message, as a log line full of ids would be.
    for (let i = 0; i < list.length; i += 100) total += countWords(list.slice(i, i + 100).join(" "), counts);
    return { counts, total };
  }

  it("50k distinct words in one window: at most maxWords kept, heavy hitters found within the stated bound", () => {
    const maxWords = 1_000;
    const { counts, total } = feed(maxWords, 50_000);
    expect(total).toBe(50_000 + 9_400);
    expect(counts.size).toBeLessThanOrEqual(maxWords);
    expect(counts.undercount).toBeGreaterThan(0);
    expect(counts.undercount).toBeLessThanOrEqual((2 * total) / maxWords);
    const top = new Map(counts.top(4));
    expect([...top.keys()]).toEqual(["alpha", "beta", "gamma", "delta"]);
    for (const [w, n] of Object.entries(heavy)) {
      expect(top.get(w)).toBeLessThanOrEqual(n);
      expect(top.get(w)).toBeGreaterThanOrEqual(n - counts.undercount);
    }
    // Distinct words estimated from the sketch, within 10%.
    expect(Math.abs(counts.distinct() - 50_004) / 50_004).toBeLessThan(0.1);
    expect(counts.evicted).toBeGreaterThanOrEqual(50_004 - counts.size);
  });

  it("exact, and distinct exact, while under the limit", () => {
    const { counts } = feed(10_000, 5_000);
    expect(counts.undercount).toBe(0);
    expect(counts.evicted).toBe(0);
    expect(counts.distinct()).toBe(5_004);
    expect(counts.top(2)).toEqual([
      ["alpha", 5_000],
      ["beta", 3_000],
    ]);
  });

  it("counts a word longer than MAX_WORD_LENGTH by its first MAX_WORD_LENGTH characters", () => {
    const counts = new WordCounts(10);
    const long = "x".repeat(MAX_WORD_LENGTH);
    countWords(`${long}a ${long}b ${long.toUpperCase()}c short`, counts);
    expect(new Map(counts.entries())).toEqual(
      new Map([
        [long, 3],
        ["short", 1],
      ]),
    );
  });

  it("refuses a limit below 2", () => {
    expect(() => new WordCounts(1)).toThrow("maxWords must be at least 2, got 1");
  });
});

describe("TumblingWindows with limits", () => {
  it("a window of 50k distinct words closes with topWords words, the distinct estimate and its error bound", () => {
    const w = new TumblingWindows(1000, { maxWords: 2_000, topWords: 50 });
    for (let i = 0; i < 500; i++) {
      const ids = Array.from({ length: 100 }, (_, j) => `req${i * 100 + j}`).join(" ");
      w.add(`GET ${ids} ok`, 10, "t/0", String(i));
    }
    const closed = w.flush()!;
    expect(Object.keys(closed.counts)).toHaveLength(50);
    expect(Object.entries(closed.counts).slice(0, 2)).toEqual([
      ["get", expect.any(Number)],
      ["ok", expect.any(Number)],
    ]);
    expect(closed.counts.get).toBeGreaterThanOrEqual(500 - closed.maxUndercount);
    expect(closed.maxUndercount).toBeGreaterThan(0);
    expect(closed.maxUndercount).toBeLessThanOrEqual((2 * closed.words) / 2_000);
    expect(Math.abs(closed.distinctWords - 50_002) / 50_002).toBeLessThan(0.1);
    expect(closed.omittedWords).toBe(closed.distinctWords - 50);
  });
});
