import { describe, expect, it } from "vitest";
import { parseStatsQuery, statsBody, STATS_MAX_CHARS } from "../../../consumer/stats";
import type { StreamStats } from "../../../consumer/stream";
import type { ClosedWindow } from "../../../consumer/windows";

function window(start: number, words: number): ClosedWindow {
  return {
    start,
    end: start + 1000,
    messages: words,
    words,
    counts: Object.fromEntries(Array.from({ length: words }, (_, i) => [`word-${start}-${i}`, words - i])),
    distinctWords: words,
    omittedWords: 0,
    maxUndercount: 0,
    commitOffsets: {},
  };
}

const stats = (windows: ClosedWindow[]): StreamStats => ({
  joined: true,
  messages: 1,
  pendingMessages: 0,
  assignment: [],
  uncommitted: {},
  windows,
});

describe("/stats", () => {
  it("reads ?windows and ?top, refusing anything but a whole number from 1, naming the parameter and value", () => {
    expect(parseStatsQuery(new URLSearchParams(""))).toEqual({ query: { windows: Infinity, top: 100 } });
    expect(parseStatsQuery(new URLSearchParams("windows=3&top=7"))).toEqual({ query: { windows: 3, top: 7 } });
    expect(parseStatsQuery(new URLSearchParams("top=0"))).toEqual({
      error: 'query parameter top must be a whole number from 1 to 999999, got "0"',
    });
    expect(parseStatsQuery(new URLSearchParams("windows=-1"))).toEqual({
      error: 'query parameter windows must be a whole number from 1 to 999999, got "-1"',
    });
  });

  it("shows each window's top words, and says how many it left out", () => {
    const body = statsBody(stats([window(2000, 300), window(1000, 5)]), { windows: 10, top: 100 }) as {
      windows: ClosedWindow[];
      windowsKept: number;
      windowsOmitted: number;
    };
    expect(body.windows.map((w) => Object.keys(w.counts).length)).toEqual([100, 5]);
    expect(body.windows[0]!.omittedWords).toBe(200);
    expect(body.windowsKept).toBe(2);
    expect(body.windowsOmitted).toBe(0);
    const one = statsBody(stats([window(2000, 3), window(1000, 5)]), { windows: 1, top: 100 }) as typeof body;
    expect(one.windows.map((w) => w.start)).toEqual([2000]);
    expect(one.windowsOmitted).toBe(1);
  });

  it("stays within STATS_MAX_CHARS however many windows are kept and asked for (the newest always shown)", () => {
    const many = Array.from({ length: 400 }, (_, i) => window(1_000_000 - i * 1000, 100));
    const body = statsBody(stats(many), { windows: 999_999, top: 999_999 }) as {
      windows: ClosedWindow[];
      windowsOmitted: number;
    };
    expect(JSON.stringify(body.windows).length).toBeLessThanOrEqual(STATS_MAX_CHARS);
    expect(body.windows[0]!.start).toBe(1_000_000);
    expect(body.windows.length).toBeLessThan(400);
    expect(body.windowsOmitted).toBe(400 - body.windows.length);
  });
});
