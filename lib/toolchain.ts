// Where scripts/setup.sh put the pinned toolchain (mirrors scripts/env.sh).
import * as os from "node:os";
import * as path from "node:path";
import toolchain from "../toolchain.json";

export const KAFKA_VERSION: string = toolchain.kafka;
export const ZOOKEEPER_VERSION: string = toolchain.zookeeper;
export const PULUMI_VERSION: string = toolchain.pulumi;

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
