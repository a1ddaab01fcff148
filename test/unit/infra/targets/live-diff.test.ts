import { describe, expect, it } from "vitest";
import { LIVE_BROKER_SETTINGS } from "../../../../infra/live-settings";
import { renderServerProperties } from "../../../../infra/render";
import { differsOnlyInLiveKeys, rewritesOnly } from "../../../../infra/targets/live-diff";

const props = (settings: Record<string, string | number | boolean>) =>
  renderServerProperties({ id: 1, host: "127.0.10.1", port: 9092, zookeeperConnect: "z:2181", logDir: "/d", settings });
const files = (settings: Record<string, string | number | boolean>) => ({
  "/w/server.properties": props(settings),
  "/w/log4j.properties": "log4j.rootLogger=INFO\n",
});

describe("differsOnlyInLiveKeys", () => {
  it("true when only live keys are added, changed or removed", () => {
    const base = files({ "num.partitions": 3 });
    const added = files({ "num.partitions": 3, "log.cleaner.threads": 2 });
    const changed = files({ "num.partitions": 3, "log.cleaner.threads": 3, "min.insync.replicas": 1 });
    expect(differsOnlyInLiveKeys(base, added, LIVE_BROKER_SETTINGS)).toBe(true);
    expect(differsOnlyInLiveKeys(added, changed, LIVE_BROKER_SETTINGS)).toBe(true);
    expect(differsOnlyInLiveKeys(changed, base, LIVE_BROKER_SETTINGS)).toBe(true);
  });

  it("false when nothing differs", () => {
    expect(differsOnlyInLiveKeys(files({}), files({}), LIVE_BROKER_SETTINGS)).toBe(false);
  });

  it("false when any other line differs, even with a live key too", () => {
    const a = files({ "log.cleaner.threads": 2 });
    expect(
      differsOnlyInLiveKeys(a, files({ "log.cleaner.threads": 3, "num.partitions": 6 }), LIVE_BROKER_SETTINGS),
    ).toBe(false);
    expect(differsOnlyInLiveKeys(a, { ...a, "/w/log4j.properties": "x\n" }, LIVE_BROKER_SETTINGS)).toBe(false);
    expect(differsOnlyInLiveKeys(a, files({ "log.cleaner.threads": 3 }), [])).toBe(false);
  });

  it("false when a file is added or removed, referenced by hash, or a side is missing", () => {
    const a = files({});
    expect(differsOnlyInLiveKeys(a, { ...a, "/w/other": "x" }, LIVE_BROKER_SETTINGS)).toBe(false);
    const { "/w/log4j.properties": _gone, ...fewer } = a;
    expect(differsOnlyInLiveKeys(a, fewer, LIVE_BROKER_SETTINGS)).toBe(false);
    const ref = { "/w/s.js": { source: "/x", sha256: "1" } };
    expect(differsOnlyInLiveKeys(ref, { "/w/s.js": { source: "/x", sha256: "2" } }, LIVE_BROKER_SETTINGS)).toBe(false);
    expect(differsOnlyInLiveKeys(undefined, a, LIVE_BROKER_SETTINGS)).toBe(false);
  });
});

describe("rewritesOnly", () => {
  const keys = [...LIVE_BROKER_SETTINGS];
  const a = { label: "b1", files: files({}), liveKeys: keys };
  const b = { ...a, files: files({ "log.cleaner.threads": 2 }) };

  it("true for a change of live lines only, or of the liveKeys list alone", () => {
    expect(rewritesOnly(a, b, ["files"])).toBe(true);
    expect(rewritesOnly({ ...a, liveKeys: undefined }, b, ["files", "liveKeys"])).toBe(true);
    expect(rewritesOnly(a, { ...a, liveKeys: [...keys, "x"] }, ["liveKeys"])).toBe(true);
  });

  it("false with another input or line changed, without liveKeys, or with nothing changed", () => {
    expect(rewritesOnly(a, { ...b, label: "x" }, ["files", "label"])).toBe(false);
    expect(rewritesOnly(a, { ...a, files: files({ "num.partitions": 6 }) }, ["files"])).toBe(false);
    expect(rewritesOnly({ files: a.files }, { files: b.files }, ["files"])).toBe(false);
    expect(rewritesOnly(a, a, [])).toBe(false);
  });
});
