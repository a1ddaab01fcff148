import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { defaultsToPin, mismatches, undeclared } from "../../../infra/live-apply";
import { liveBrokerSettingsProvider } from "../../../infra/live-broker-settings";
import {
  LIVE_BROKER_SETTINGS,
  isLiveBrokerSetting,
  liveSettingsOf,
  splitBrokerSettings,
  threadPoolProblems,
} from "../../../infra/live-settings";

describe("splitBrokerSettings", () => {
  it("puts run-time settings in live and the rest in restart, each sorted", () => {
    const { live, restart } = splitBrokerSettings({
      "num.partitions": 3,
      "log.cleaner.threads": 2,
      "log.retention.ms": 3_600_000,
      "auto.create.topics.enable": false,
      "min.insync.replicas": 2,
    });
    expect(live).toEqual({ "log.cleaner.threads": 2, "log.retention.ms": 3_600_000, "min.insync.replicas": 2 });
    expect(Object.keys(live)).toEqual(["log.cleaner.threads", "log.retention.ms", "min.insync.replicas"]);
    expect(restart).toEqual({ "auto.create.topics.enable": false, "num.partitions": 3 });
  });

  it("never calls per-broker, password or read-only keys live", () => {
    for (const key of [
      "listeners",
      "advertised.listeners",
      "listener.security.protocol.map",
      "ssl.keystore.location",
      "ssl.key.password",
      "sasl.enabled.mechanisms",
      "log.message.format.version",
      "log.retention.hours",
      "log.cleaner.enable",
      "broker.id",
      "zookeeper.connect",
    ]) {
      expect(isLiveBrokerSetting(key), key).toBe(false);
    }
    expect(LIVE_BROKER_SETTINGS.some((k) => /^(ssl|sasl|listener)\.|password/.test(k))).toBe(false);
    expect([...LIVE_BROKER_SETTINGS].sort()).toEqual(LIVE_BROKER_SETTINGS);
  });

  it("liveSettingsOf: what server.properties says (safe defaults included), as strings", () => {
    expect(liveSettingsOf({ "log.cleaner.threads": 2, "num.partitions": 6 })).toEqual({
      "log.cleaner.threads": "2",
      "min.insync.replicas": "2",
      "unclean.leader.election.enable": "false",
    });
    expect(liveSettingsOf({ "min.insync.replicas": 1 })["min.insync.replicas"]).toBe("1");
  });
});

describe("threadPoolProblems", () => {
  it("accepts old/2 (rounded down) to 2×old, and a key without an old value", () => {
    expect(threadPoolProblems({ "num.io.threads": "8" }, { "num.io.threads": "16" })).toEqual([]);
    expect(threadPoolProblems({ "num.io.threads": "8" }, { "num.io.threads": "4" })).toEqual([]);
    expect(threadPoolProblems({ "num.network.threads": "3" }, { "num.network.threads": "1" })).toEqual([]);
    expect(threadPoolProblems({}, { "num.io.threads": "64" })).toEqual([]);
  });

  it("refuses a resize beyond the rule, naming the key and both values", () => {
    const [p] = threadPoolProblems({ "num.io.threads": "8" }, { "num.io.threads": "17" });
    expect(p.key).toBe("num.io.threads");
    expect(p.message).toContain("num.io.threads 8 → 17");
    expect(p.message).toContain("4 to 16");
    expect(threadPoolProblems({ "background.threads": "10" }, { "background.threads": "4" })).toHaveLength(1);
  });

  it("is the provider's check: a failure on `settings` at preview", async () => {
    const target = { bootstrapServers: "x:1", brokerIds: [1], timeoutMs: 1 };
    const res = await liveBrokerSettingsProvider.check!(
      { ...target, settings: { "num.replica.fetchers": "1" } },
      { ...target, settings: { "num.replica.fetchers": "4" } },
    );
    expect(res.failures).toEqual([
      { property: "settings", reason: expect.stringContaining("num.replica.fetchers 1 → 4") },
    ]);
  });
});

type Entry = Parameters<typeof mismatches>[1] extends Map<string, infer E> ? E : never;
const entry = (
  configName: string,
  configValue: string,
  configSource: number,
  synonyms: [string, string, number][] = [],
) =>
  ({
    configName,
    configValue,
    configSource,
    isDefault: configSource === 5,
    isSensitive: false,
    readOnly: false,
    configSynonyms: synonyms.map(([n, v, s]) => ({ configName: n, configValue: v, configSource: s })),
  }) as unknown as Entry;
const seen = (...entries: Entry[]) => new Map(entries.map((e) => [e.configName, e]));

describe("reading back", () => {
  it("mismatches names the broker, key, value seen and value expected", () => {
    const s = seen(entry("log.cleaner.threads", "1", 5), entry("cleanup", "compact,delete", 2), entry("r", "0.9", 2));
    expect(mismatches(2, s, { "log.cleaner.threads": "2" }, [])).toEqual([
      "broker 2: log.cleaner.threads is 1, expected 2",
    ]);
    expect(mismatches(2, s, { cleanup: "compact, delete", r: "0.90" }, [])).toEqual([]);
    expect(mismatches(3, s, {}, ["cleanup"])).toEqual(["broker 3: cleanup is still set live"]);
    expect(mismatches(3, s, { nope: "1" }, [])).toEqual(["broker 3: nope is not a setting it knows"]);
  });

  it("undeclared: live keys neither sent nor being removed", () => {
    const s = seen(entry("a", "1", 2), entry("b", "1", 2), entry("c", "1", 4), entry("d", "1", 2));
    expect(undeclared(s, { a: "1" }, ["b"])).toEqual(["d"]);
  });

  it("defaultsToPin: Kafka's default for a removed key the broker started with", () => {
    const s = seen(
      entry("log.cleaner.threads", "2", 4, [
        ["log.cleaner.threads", "2", 4],
        ["log.cleaner.threads", "1", 5],
      ]),
      entry("log.retention.ms", "5", 5, [["log.retention.ms", "5", 5]]),
    );
    expect(defaultsToPin(s, ["log.cleaner.threads", "log.retention.ms"])).toEqual({ "log.cleaner.threads": "1" });
  });
});

describe("LiveBrokerSettings' provider as Pulumi serializes it", () => {
  it("requires none of the project's modules, and runs on its own: check, and a delete with no cluster", async () => {
    const { text } = await pulumi.runtime.serializeFunction(() => liveBrokerSettingsProvider, { allowSecrets: false });
    expect(text).not.toMatch(/require\("\.\.?\//);
    // Beside node_modules, as the provider host loads it (kafkajs resolves from there).
    const file = path.join(__dirname, "..", "..", "..", "node_modules", ".cache", `live-provider-${process.pid}.js`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    try {
      const provider = (require(file) as { handler: () => typeof liveBrokerSettingsProvider }).handler();
      const target = { bootstrapServers: "127.0.0.1:1", brokerIds: [1], timeoutMs: 1 };
      const checked = await provider.check!(
        { ...target, settings: { "num.io.threads": "8" } },
        { ...target, settings: { "num.io.threads": "32" } },
      );
      expect(checked.failures?.[0]?.reason).toContain("num.io.threads 8 → 32");
      const olds = { ...target, settings: { "log.cleaner.threads": "2" }, pinned: {}, erased: {} };
      await expect(provider.delete!("live-broker-settings", olds)).resolves.toBeUndefined();
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 30_000);
});
