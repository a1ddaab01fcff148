// LiveBrokerSettings' provider on the shared real cluster: the live keys are
// what Kafka 3.9 calls dynamic, a change is applied on every broker with no
// restart, a removed key is reverted, and delete reverts them all. Each test
// leaves no live setting behind.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, inject, it } from "vitest";
import { alterBroker, describeBroker, withAdmin } from "../../../infra/live-apply";
import { liveBrokerSettingsProvider as provider } from "../../../infra/live-broker-settings";
import { LIVE_BROKER_SETTINGS } from "../../../infra/live-settings";
import { waitFor } from "../../../lib/poll";

const DYNAMIC_BROKER_CONFIG = 2;
const { bootstrapServers, brokers } = inject("cluster");
const ids = brokers.map((b) => b.id);
const inputs = (settings: Record<string, string>) => ({
  bootstrapServers,
  brokerIds: ids,
  settings,
  timeoutMs: 30_000,
});

/** The pid listening on each broker's address and port (a restart changes it). */
async function brokerPids(): Promise<number[]> {
  const { stdout } = await promisify(execFile)("ss", ["-ltnpH"]);
  return brokers.map((b) => {
    // Java listens on an IPv4-mapped IPv6 socket: `[::ffff:127.0.20.1]:19092`.
    const at = new RegExp(`[\\s:\\[]${b.host.replace(/\./g, "\\.")}\\]?:${b.port}\\s`);
    const line = stdout.split("\n").find((l) => at.test(l));
    return Number(/pid=(\d+)/.exec(line ?? "")?.[1]);
  });
}

/** Each broker's value and source of `keys`. */
async function seenOnEvery(keys: readonly string[]) {
  return withAdmin(bootstrapServers, async (admin) => {
    const out: Record<string, { value: string | null; live: boolean }>[] = [];
    for (const id of ids) {
      const seen = await describeBroker(admin, id);
      out.push(
        Object.fromEntries(
          keys.map((k) => [
            k,
            { value: seen.get(k)?.configValue ?? null, live: seen.get(k)?.configSource === DYNAMIC_BROKER_CONFIG },
          ]),
        ),
      );
    }
    return out;
  });
}

const every = <T>(value: T): T[] => ids.map(() => value);

/**
 * Waits until every broker shows `expected` of `keys`: a broker applies a
 * change from ZooKeeper's notification, a moment after the request that
 * made it (the provider's own read-back polls the same way).
 */
async function settled(keys: readonly string[], expected: Record<string, { value: string | null; live: boolean }>[]) {
  let last: unknown;
  await waitFor(
    async () => {
      last = await seenOnEvery(keys);
      return JSON.stringify(last) === JSON.stringify(expected);
    },
    { timeoutMs: 15_000, what: "the brokers to show the settings" },
  ).catch(() => undefined);
  expect(last).toEqual(expected);
}

/** No live setting on any broker. */
async function noneLive(): Promise<void> {
  await waitFor(
    () =>
      withAdmin(bootstrapServers, async (admin) => {
        for (const id of ids) {
          const seen = await describeBroker(admin, id);
          if ([...seen.values()].some((e) => e.configSource === DYNAMIC_BROKER_CONFIG)) return false;
        }
        return true;
      }),
    { timeoutMs: 15_000, what: "no live setting on any broker" },
  );
}

afterEach(async () => {
  await withAdmin(bootstrapServers, async (admin) => {
    for (const id of ids) await alterBroker(admin, id, {});
  });
  await noneLive();
});

describe("the live keys against a Kafka 3.9 broker", () => {
  it("each is a setting the broker knows and updates at run time; a sample of others is read-only", async () => {
    const seen = await withAdmin(bootstrapServers, (admin) => describeBroker(admin, ids[0]));
    expect(LIVE_BROKER_SETTINGS.filter((k) => !seen.has(k))).toEqual([]);
    expect(LIVE_BROKER_SETTINGS.filter((k) => seen.get(k)?.readOnly !== false)).toEqual([]);
    const readOnly = [
      "broker.id",
      "log.dirs",
      "zookeeper.connect",
      "auto.create.topics.enable",
      "num.partitions",
      "default.replication.factor",
      "log.cleaner.enable",
      "log.retention.hours",
      "log.message.format.version",
      "controlled.shutdown.enable",
    ];
    expect(readOnly.filter((k) => seen.get(k)?.readOnly !== true)).toEqual([]);
  });
});

describe("LiveBrokerSettings", () => {
  it("applies on every broker with no restart, reverts a removed key, and reverts all on delete", async () => {
    const pids = await brokerPids();
    expect(pids.every((p) => p > 0)).toBe(true);
    const started = Date.now();
    const created = await provider.create!(inputs({ "log.cleaner.threads": "2", "log.retention.ms": "3600000" }));
    const tookMs = Date.now() - started;
    console.log(`applied live on ${ids.length} brokers and read back in ${tookMs} ms`);
    expect(tookMs).toBeLessThan(5_000);
    expect(await seenOnEvery(["log.cleaner.threads", "log.retention.ms"])).toEqual(
      every({
        "log.cleaner.threads": { value: "2", live: true },
        "log.retention.ms": { value: "3600000", live: true },
      }),
    );

    const updated = await provider.update!(created.id, created.outs!, inputs({ "log.retention.ms": "7200000" }));
    expect(updated.outs!.pinned).toEqual({});
    expect(await seenOnEvery(["log.cleaner.threads", "log.retention.ms"])).toEqual(
      every({
        "log.cleaner.threads": { value: "1", live: false },
        "log.retention.ms": { value: "7200000", live: true },
      }),
    );

    await provider.delete!(created.id, updated.outs!);
    await noneLive();
    expect(await brokerPids()).toEqual(pids);
  });

  it("a removed key the broker started with goes back to Kafka's default, not to the value it started with", async () => {
    // The test cluster starts with min.insync.replicas=2 in server.properties; Kafka's default is 1.
    const created = await provider.create!(inputs({ "min.insync.replicas": "3" }));
    const updated = await provider.update!(created.id, created.outs!, inputs({}));
    expect(updated.outs!.pinned).toEqual({ "min.insync.replicas": "1" });
    expect(await seenOnEvery(["min.insync.replicas"])).toEqual(
      every({ "min.insync.replicas": { value: "1", live: true } }),
    );
    await provider.delete!(created.id, updated.outs!);
    await settled(["min.insync.replicas"], every({ "min.insync.replicas": { value: "2", live: false } }));
  });

  it("erases live settings the stack did not declare, and names them", async () => {
    await withAdmin(bootstrapServers, (admin) => alterBroker(admin, ids[0], { "log.cleaner.backoff.ms": "20000" }));
    const byHand = { value: "20000", live: true };
    const untouched = { value: "15000", live: false };
    await settled(
      ["log.cleaner.backoff.ms"],
      [byHand, untouched, untouched].map((v) => ({ "log.cleaner.backoff.ms": v })),
    );
    const created = await provider.create!(inputs({ "log.cleaner.threads": "2" }));
    expect(created.outs!.erased).toEqual({ [String(ids[0])]: ["log.cleaner.backoff.ms"] });
    expect((await seenOnEvery(["log.cleaner.backoff.ms"]))[0]["log.cleaner.backoff.ms"].live).toBe(false);
    await provider.delete!(created.id, created.outs!);
  });

  it("fails naming the broker and key when Kafka refuses a thread pool resize, leaving the other brokers as they were", async () => {
    // num.io.threads is 8: Kafka takes 4 to 16 at run time.
    const settings = { "num.io.threads": "17", "log.cleaner.threads": "2" };
    await expect(provider.create!(inputs(settings))).rejects.toThrow(
      new RegExp(`^broker ${ids[0]} refused num\\.io\\.threads=17: .*half and twice`),
    );
    expect(await seenOnEvery(["num.io.threads", "log.cleaner.threads"])).toEqual(
      every({ "num.io.threads": { value: "8", live: false }, "log.cleaner.threads": { value: "1", live: false } }),
    );
    const ok = await provider.create!(inputs({ "num.io.threads": "16" }));
    expect((await seenOnEvery(["num.io.threads"]))[2]["num.io.threads"]).toEqual({ value: "16", live: true });
    await provider.delete!(ok.id, ok.outs!);
  });

  it("refresh sees a setting changed by hand on one broker, and the next update sends the declared set again", async () => {
    const declared = inputs({ "log.cleaner.threads": "2", "log.cleanup.policy": "compact, delete" });
    const created = await provider.create!(declared);
    expect((await provider.read!(created.id, created.outs!)).props).toEqual(created.outs);
    // By hand, as kafka-configs.sh would: the whole set of broker 2, one value changed.
    await withAdmin(bootstrapServers, (admin) =>
      alterBroker(admin, ids[1], { "log.cleaner.threads": "3", "log.cleanup.policy": "compact,delete" }),
    );
    await settled(
      ["log.cleaner.threads"],
      [2, 3, 2].map((v) => ({ "log.cleaner.threads": { value: String(v), live: true } })),
    );
    const refreshed = (await provider.read!(created.id, created.outs!)).props!;
    expect(refreshed.settings).toEqual({ "log.cleanup.policy": "compact, delete" });
    expect((await provider.diff!(created.id, refreshed, declared)).changes).toBe(true);
    const updated = await provider.update!(created.id, refreshed, declared);
    expect(await seenOnEvery(["log.cleaner.threads", "log.cleanup.policy"])).toEqual(
      every({
        "log.cleaner.threads": { value: "2", live: true },
        "log.cleanup.policy": { value: "compact,delete", live: true },
      }),
    );
    await provider.delete!(created.id, updated.outs!);
  });

  it("delete finishes when the cluster does not answer", async () => {
    const dead = { ...inputs({ "log.cleaner.threads": "2" }), bootstrapServers: "127.0.0.1:1", pinned: {}, erased: {} };
    await expect(provider.delete!("live-broker-settings", dead)).resolves.toBeUndefined();
  });
});
