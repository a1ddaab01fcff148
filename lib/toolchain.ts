// Where scripts/setup.sh put the pinned toolchain (mirrors scripts/env.sh).
import * as os from "node:os";
import * as path from "node:path";
import toolchain from "../toolchain.json";

export const KAFKA_VERSION: string = toolchain.kafka;
export const ZOOKEEPER_VERSION: string = toolchain.zookeeper;
export const PULUMI_VERSION: string = toolchain.pulumi;
/** The earlier 3.9 release `setup.sh --for test` caches too: the rolling upgrade test starts on it. */
export const KAFKA_UPGRADE_FROM: string = toolchain.kafkaUpgradeFrom.version;

/** The cache directory: $KAFKA_CLUSTER_CACHE, else ~/.cache/kafka-cluster. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAFKA_CLUSTER_CACHE) return env.KAFKA_CLUSTER_CACHE;
  const xdg = env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  return path.join(xdg, "kafka-cluster");
}

/** The directory holding the Kafka, Kafka tools and ZooKeeper jars. */
export function kafkaLibsDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.KAFKA_CLUSTER_KAFKA_LIBS ?? path.join(cacheDir(env), `kafka-${KAFKA_VERSION}-zk-${ZOOKEEPER_VERSION}`, "libs")
  );
}

/** The jars of another Kafka version that `setup.sh --kafka-version` cached (the pinned one: kafkaLibsDir). */
export function kafkaLibsDirOf(version: string, env: NodeJS.ProcessEnv = process.env): string {
  if (version === KAFKA_VERSION) return kafkaLibsDir(env);
  return path.join(cacheDir(env), `kafka-${version}-zk-${ZOOKEEPER_VERSION}`, "libs");
}
