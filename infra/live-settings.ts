// Pure: which broker settings Kafka 3.9 changes at run time for the whole
// cluster (DynamicBrokerConfig's cluster-wide dynamic configs), and the split
// of a plan's broker settings into those applied live and those that need a
// restart. test/integration/infra/live-settings.test.ts checks the list
// against a real broker (describeConfigs: none of these is read-only).
import { SAFE_BROKER_SETTINGS, type PropertyValue } from "./render";

/** Thread pools Kafka resizes at run time only within [old/2, 2×old] (DynamicThreadPool, the network acceptors). */
export const THREAD_POOL_SETTINGS: readonly string[] = [
  "background.threads",
  "num.io.threads",
  "num.network.threads",
  "num.recovery.threads.per.data.dir",
  "num.replica.fetchers",
];

/** LogCleaner.ReconfigurableConfigs (message.max.bytes is also the synonym of max.message.bytes). */
const LOG_CLEANER = [
  "log.cleaner.backoff.ms",
  "log.cleaner.dedupe.buffer.size",
  "log.cleaner.io.buffer.load.factor",
  "log.cleaner.io.buffer.size",
  "log.cleaner.io.max.bytes.per.second",
  "log.cleaner.threads",
  "message.max.bytes",
];

/**
 * The broker synonym of each topic config (ServerTopicConfigSynonyms, first
 * synonym only: log.retention.hours and log.roll.hours stay read-only), but
 * log.message.format.version, which Kafka does not update at run time.
 */
const TOPIC_SYNONYMS = [
  "compression.gzip.level",
  "compression.lz4.level",
  "compression.type",
  "compression.zstd.level",
  "log.cleaner.delete.retention.ms",
  "log.cleaner.max.compaction.lag.ms",
  "log.cleaner.min.cleanable.ratio",
  "log.cleaner.min.compaction.lag.ms",
  "log.cleanup.policy",
  "log.flush.interval.messages",
  "log.flush.interval.ms",
  "log.index.interval.bytes",
  "log.index.size.max.bytes",
  "log.local.retention.bytes",
  "log.local.retention.ms",
  "log.message.downconversion.enable",
  "log.message.timestamp.after.max.ms",
  "log.message.timestamp.before.max.ms",
  "log.message.timestamp.difference.max.ms",
  "log.message.timestamp.type",
  "log.preallocate",
  "log.retention.bytes",
  "log.retention.ms",
  "log.roll.jitter.ms",
  "log.roll.ms",
  "log.segment.bytes",
  "log.segment.delete.delay.ms",
  "min.insync.replicas",
  "unclean.leader.election.enable",
];

/** SocketServer's connection limits (cluster-wide; num.network.threads is a thread pool above). */
const CONNECTIONS = [
  "max.connection.creation.rate",
  "max.connections",
  "max.connections.per.ip",
  "max.connections.per.ip.overrides",
];

/** Every broker setting this program applies live, sorted. Per-broker-only (listeners, ssl.*, sasl.*) and password keys are not here. */
export const LIVE_BROKER_SETTINGS: readonly string[] = [
  ...THREAD_POOL_SETTINGS,
  ...LOG_CLEANER,
  ...TOPIC_SYNONYMS,
  ...CONNECTIONS,
  "producer.id.expiration.ms",
].sort();

export function isLiveBrokerSetting(key: string): boolean {
  return LIVE_BROKER_SETTINGS.includes(key);
}

export type BrokerSettings = Readonly<Record<string, PropertyValue>>;

/** What server.properties says of every setting that is not a broker's identity: the safe defaults, overridden by stack config. */
export function renderedBrokerSettings(brokerSettings: BrokerSettings): BrokerSettings {
  return { ...SAFE_BROKER_SETTINGS, ...brokerSettings };
}

/** Settings split by how a change of each is applied: through the admin API (`live`) or by restarting the broker. */
export function splitBrokerSettings(settings: BrokerSettings): { live: BrokerSettings; restart: BrokerSettings } {
  const live: Record<string, PropertyValue> = {};
  const restart: Record<string, PropertyValue> = {};
  for (const key of Object.keys(settings).sort()) (isLiveBrokerSetting(key) ? live : restart)[key] = settings[key];
  return { live, restart };
}

/** The live settings of what server.properties says, as the strings the admin API takes (LiveBrokerSettings' input). */
export function liveSettingsOf(brokerSettings: BrokerSettings): Record<string, string> {
  const { live } = splitBrokerSettings(renderedBrokerSettings(brokerSettings));
  return Object.fromEntries(Object.entries(live).map(([k, v]) => [k, String(v)]));
}

/**
 * A thread pool resized beyond Kafka's rule, with the old value known (the
 * one applied before): a message naming the key and both values. Kafka
 * refuses it at run time; from an unknown old value (server.properties or
 * Kafka's default) the refusal comes from Kafka when applied.
 */
export function threadPoolProblems(olds: Readonly<Record<string, string>>, news: Readonly<Record<string, string>>) {
  const problems: { key: string; message: string }[] = [];
  for (const key of THREAD_POOL_SETTINGS) {
    if (olds[key] === undefined || news[key] === undefined) continue;
    const before = Number(olds[key]);
    const after = Number(news[key]);
    if (!Number.isFinite(before) || !Number.isFinite(after) || after === before) continue;
    // Kafka compares with integer division: old/2 rounds down.
    if (after >= Math.floor(before / 2) && after <= before * 2) continue;
    problems.push({
      key,
      message:
        `${key} ${before} → ${after}: Kafka resizes a thread pool at run time only to between half and twice ` +
        `its size (${Math.max(1, Math.floor(before / 2))} to ${before * 2}); change it in steps, one \`pulumi up\` each`,
    });
  }
  return problems;
}
