// Applies broker settings live, per broker id, through kafkajs's admin API:
// AlterConfigs (the only call kafkajs has) replaces the broker's whole set of
// dynamic settings, so every call sends the complete declared set and then
// reads it back with DescribeConfigs. Serialized with LiveBrokerSettings'
// provider: modules are required inside functions, errors are plain Errors.
import type { Admin, DescribeConfigResponse } from "kafkajs";
import { kafkajs } from "../lib/kafkajs";
import { done, notYet, pollUntil } from "../lib/poll";
import { THREAD_POOL_SETTINGS } from "./live-settings";

// kafkajs ConfigResourceTypes.BROKER is 4; DescribeConfigs' config sources are
// DYNAMIC_BROKER_CONFIG 2, STATIC_BROKER_CONFIG 4 and DEFAULT_CONFIG 5. They are
// written as literals: Pulumi's closure serializer fails on a captured constant object.

type Entry = DescribeConfigResponse["resources"][number]["configEntries"][number];
export type Settings = Readonly<Record<string, string>>;

export interface LiveTarget {
  readonly bootstrapServers: string;
  readonly brokerIds: readonly number[];
  /** How long a broker gets to show what it was sent (it applies it from ZooKeeper's change notification). */
  readonly timeoutMs: number;
}

/** Connects a short-lived admin client; kafkajs's own retries are cut short so a dead cluster fails in seconds. */
export async function withAdmin<T>(bootstrapServers: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const { Kafka, logLevel } = kafkajs();
  const kafka = new Kafka({
    clientId: "kafka-cluster-live-settings",
    brokers: bootstrapServers.split(","),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** One broker's settings as it reports them (with synonyms: where each value comes from). */
export async function describeBroker(admin: Admin, id: number): Promise<Map<string, Entry>> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: 4, name: String(id) }],
    includeSynonyms: true,
  });
  return new Map((resources[0]?.configEntries ?? []).map((e) => [e.configName, e]));
}

/** Replaces broker `id`'s dynamic settings with exactly `settings` (empty: all removed). */
export async function alterBroker(admin: Admin, id: number, settings: Settings): Promise<void> {
  const configEntries = Object.entries(settings).map(([name, value]) => ({ name, value }));
  try {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: String(id), configEntries }] });
  } catch (err) {
    const refused = await refusedKeys(admin, id, settings);
    const named = refused.length ? refused.join(", ") : `the live settings [${Object.keys(settings).join(", ")}]`;
    const pools = refused.some((r) => THREAD_POOL_SETTINGS.includes(r.split("=")[0]));
    throw new Error(
      `broker ${id} refused ${named}: ${(err as Error).message}` +
        (pools ? " (a thread pool changes at run time only to between half and twice its current size)" : ""),
      { cause: err },
    );
  }
}

/**
 * Which of `settings` broker `id` refuses, each asked alone with validateOnly:
 * kafkajs drops the error message that names it.
 */
async function refusedKeys(admin: Admin, id: number, settings: Settings): Promise<string[]> {
  const refused: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    const resources = [{ type: 4, name: String(id), configEntries: [{ name, value }] }];
    await admin.alterConfigs({ validateOnly: true, resources }).catch(() => refused.push(`${name}=${value}`));
  }
  return refused;
}

/** The same value as Kafka writes it back: lists without spaces, numbers as numbers (1 and 1.0). */
export function sameValue(a: string | null | undefined, b: string): boolean {
  if (a === null || a === undefined) return false;
  const norm = (s: string): string => s.replace(/\s*,\s*/g, ",").trim();
  if (norm(a) === norm(b)) return true;
  return a.trim() !== "" && b.trim() !== "" && Number.isFinite(Number(a)) && Number(a) === Number(b);
}

/** What differs between broker `id`'s settings and those sent (`settings`) or removed (`removed`), in words. */
export function mismatches(id: number, seen: Map<string, Entry>, settings: Settings, removed: readonly string[]) {
  const out: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    const e = seen.get(key);
    if (!e) out.push(`broker ${id}: ${key} is not a setting it knows`);
    else if (!sameValue(e.configValue, value)) out.push(`broker ${id}: ${key} is ${e.configValue}, expected ${value}`);
  }
  for (const key of removed) {
    if (seen.get(key)?.configSource === 2) out.push(`broker ${id}: ${key} is still set live`);
  }
  return out;
}

/** Polls broker `id` until it reports `settings` and none of `removed` live, or fails naming each key that is not. */
export async function verifyBroker(
  admin: Admin,
  id: number,
  settings: Settings,
  removed: readonly string[],
  timeoutMs: number,
): Promise<void> {
  let last: string[] = [];
  await pollUntil(
    async () => {
      last = mismatches(id, await describeBroker(admin, id), settings, removed);
      return last.length === 0 ? done(undefined) : notYet(last.join("; "));
    },
    {
      timeoutMs,
      intervalMs: 250,
      what: `broker ${id}'s live settings`,
      timeoutError: () => new Error(`live settings not in effect after ${timeoutMs} ms: ${last.join("; ")}`),
    },
  );
}

/** Dynamic settings set on the broker that are neither sent nor expected to go: AlterConfigs erases them. */
export function undeclared(seen: Map<string, Entry>, keep: Settings, removed: readonly string[]): string[] {
  return [...seen.values()]
    .filter((e) => e.configSource === 2 && !(e.configName in keep))
    .map((e) => e.configName)
    .filter((k) => !removed.includes(k))
    .sort();
}

/**
 * Kafka's default of each removed key that a broker still holds from the
 * server.properties it started with: deleting the live value alone would
 * leave that, not what server.properties says now, until its next restart.
 */
export function defaultsToPin(seen: Map<string, Entry>, removed: readonly string[]): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const key of removed) {
    const synonyms = seen.get(key)?.configSynonyms ?? [];
    const started = synonyms.find((s) => s.configName === key && s.configSource === 4);
    const fallback = synonyms.find((s) => s.configName === key && s.configSource === 5);
    if (!started || !fallback || fallback.configValue === null || fallback.configValue === undefined) continue;
    if (started.configValue !== fallback.configValue) pins[key] = fallback.configValue;
  }
  return pins;
}
