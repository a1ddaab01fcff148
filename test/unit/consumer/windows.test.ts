import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countWords,
  mergeOffsets,
  splitWords,
  WordCounts,
  TumblingWindows,
  WindowHistory,
} from "../../../consumer/windows";

describe("splitWords", () => {
  it("lower-cases and splits on anything but letters, digits, apostrophes and inner hyphens", () => {
    expect(splitWords("Hello, Kafka! hello-kafka  it's 42\tTIMES")).toEqual([
      "hello",
      "kafka",
      "hello-kafka",
      "it's",
      "42",
      "times",
    ]);
    expect(splitWords("  ...  ")).toEqual([]);
    expect(splitWords("Grüße aus Köln")).toEqual(["grüße", "aus", "köln"]);
  });
});

describe("countWords", () => {
  const counted = (text: string) => {
    const counts = new WordCounts();
    const n = countWords(text, counts);
    return { n, counts: new Map(counts.entries().sort((a, b) => (a[0] < b[0] ? -1 : 1))) };
  };
  const expected = (text: string) => {
    const counts = new Map<string, number>();
    for (const w of splitWords(text).sort()) counts.set(w, (counts.get(w) ?? 0) + 1);
    return { n: splitWords(text).length, counts };
  };

  it("counts what splitWords finds, ASCII or not", () => {
    expect(counted("Hello, Kafka! hello-kafka  it's 42\tTIMES hello")).toEqual({
      n: 7,
      counts: new Map([
        ["hello", 2],
        ["kafka", 1],
        ["hello-kafka", 1],
        ["it's", 1],
        ["42", 1],
        ["times", 1],
      ]),
    });
    expect(counted("Grüße aus Köln, aus")).toEqual({
      n: 4,
      counts: new Map([
        ["grüße", 1],
        ["aus", 2],
        ["köln", 1],
      ]),
    });
    expect(counted("-' -x- '")).toEqual({ n: 1, counts: new Map([["x-", 1]]) });
  });

  it("keeps every word as the table grows", () => {
    const counts = new WordCounts();
    const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
    expect(countWords(words.join(" "), counts)).toBe(5000);
    expect(countWords(words.slice(0, 100).join(" ").toUpperCase(), counts)).toBe(100);
    expect(counts.size).toBe(5000);
    const m = new Map(counts.entries());
    expect(m.size).toBe(5000);
    expect(words.every((w, i) => m.get(w) === (i < 100 ? 2 : 1))).toBe(true);
  });

  it("property: the same counts as splitWords for any text", () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "B", "z", "0", "9", "'", "-", " ", ",", "\t", "_", "ß", "İ", "é", "😀") }),
      fc.string({ unit: "grapheme" }),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(counted(t)).toEqual(expected(t));
      }),
    );
  });
});

describe("TumblingWindows", () => {
  it("aligns windows to multiples of the length", () => {
    const w = new TumblingWindows(1000);
    expect(w.windowStart(0)).toBe(0);
    expect(w.windowStart(999)).toBe(0);
    expect(w.windowStart(1000)).toBe(1000);
    expect(w.windowStart(12_345)).toBe(12_000);
  });

  it("counts words per window and closes a window at its end", () => {
    const w = new TumblingWindows(1000);
    expect(w.add("a b a", 100, "t/0", "5")).toBeUndefined();
    expect(w.add("b c", 999, "t/1", "7")).toBeUndefined();
    expect(w.tick(999)).toBeUndefined();
    expect(w.pendingMessages).toBe(2);
    const closed = w.tick(1000);
    expect(closed).toEqual({
      start: 0,
      end: 1000,
      messages: 2,
      words: 5,
      counts: { a: 2, b: 2, c: 1 },
      distinctWords: 3,
      omittedWords: 0,
      maxUndercount: 0,
      commitOffsets: { "t/0": "6", "t/1": "8" },
    });
    expect(w.tick(5000)).toBeUndefined();
    expect(w.pendingMessages).toBe(0);
  });

  it("a message after the end closes the old window and opens the one it falls in", () => {
    const w = new TumblingWindows(1000);
    w.add("x", 10, "t/0", "0");
    const closed = w.add("y", 3500, "t/0", "1");
    expect(closed?.counts).toEqual({ x: 1 });
    expect(closed?.commitOffsets).toEqual({ "t/0": "1" });
    const next = w.flush();
    expect(next).toMatchObject({ start: 3000, end: 4000, counts: { y: 1 }, commitOffsets: { "t/0": "2" } });
    expect(w.flush()).toBeUndefined();
  });

  it("keeps the highest offset per partition, beyond 2^53", () => {
    const w = new TumblingWindows(1000);
    w.add("a", 0, "t/0", "9007199254740993");
    w.add("a", 1, "t/0", "3");
    expect(w.flush()?.commitOffsets).toEqual({ "t/0": "9007199254740994" });
  });

  it("orders counts by frequency, then word", () => {
    const w = new TumblingWindows(1000);
    w.add("b a c c", 0, "t/0", "0");
    expect(Object.entries(w.flush()?.counts ?? {})).toEqual([
      ["c", 2],
      ["a", 1],
      ["b", 1],
    ]);
  });

  it("refuses a length that is not a positive whole number", () => {
    expect(() => new TumblingWindows(0)).toThrow("windowMs must be a whole number >= 1, got 0");
    expect(() => new TumblingWindows(1.5)).toThrow("windowMs must be a whole number >= 1, got 1.5");
  });

  it("property: every word is counted exactly once across closed windows, and windows never overlap", () => {
    const word = fc.constantFrom("alpha", "beta", "gamma", "delta");
    const msg = fc.record({ words: fc.array(word, { maxLength: 5 }), gap: fc.integer({ min: 0, max: 700 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.array(msg, { maxLength: 60 }), (len, msgs) => {
        const w = new TumblingWindows(len);
        const closed = [];
        let now = 1_000_000;
        const expected = new Map<string, number>();
        msgs.forEach((m, i) => {
          now += m.gap;
          for (const x of m.words) expected.set(x, (expected.get(x) ?? 0) + 1);
          const c = w.add(m.words.join(" "), now, "t/0", String(i));
          if (c) closed.push(c);
        });
        const last = w.flush();
        if (last) closed.push(last);
        const total = new Map<string, number>();
        for (const c of closed) for (const [k, v] of Object.entries(c.counts)) total.set(k, (total.get(k) ?? 0) + v);
        expect(total).toEqual(expected);
        expect(closed.reduce((n, c) => n + c.messages, 0)).toBe(msgs.length);
        for (let i = 1; i < closed.length; i++) expect(closed[i]!.start).toBeGreaterThanOrEqual(closed[i - 1]!.end);
        // The last window's commit offset covers every message.
        if (msgs.length > 0) expect(closed.at(-1)?.commitOffsets["t/0"]).toBe(String(msgs.length));
      }),
    );
  });
});

const window = {
  start: 0,
  end: 1,
  messages: 0,
  words: 0,
  counts: {},
  distinctWords: 0,
  omittedWords: 0,
  maxUndercount: 0,
  commitOffsets: {},
};

describe("mergeOffsets and WindowHistory", () => {
  it("keeps the higher offset per partition", () => {
    expect(mergeOffsets({ "t/0": "10", "t/1": "3" }, { "t/0": "4", "t/2": "1" })).toEqual({
      "t/0": "10",
      "t/1": "3",
      "t/2": "1",
    });
  });

  it("keeps the newest windows first, up to its size", () => {
    const h = new WindowHistory(2);
    const mk = (start: number) => ({ ...window, start, end: start + 1 });
    h.push(mk(1));
    h.push(mk(2));
    h.push(mk(3));
    expect(h.latest().map((w) => w.start)).toEqual([3, 2]);
  });

  it("drops the oldest windows once they list more than maxEntries words, keeping at least the newest", () => {
    const h = new WindowHistory(10, 5);
    const words = (start: number, n: number) => ({
      ...window,
      start,
      counts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`w${i}`, 1])),
    });
    h.push(words(1, 2));
    h.push(words(2, 2));
    expect(h.latest().map((w) => w.start)).toEqual([2, 1]);
    h.push(words(3, 2));
    expect(h.latest().map((w) => w.start)).toEqual([3, 2]);
    h.push(words(4, 9));
    expect(h.latest().map((w) => w.start)).toEqual([4]);
  });
});
