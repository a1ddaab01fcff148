// The one place that reads stack config: raw values go to planCluster, which
// validates them all at once (at preview time).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfigError, planCluster, type ClusterPlan } from "./plan";
import { KAFKA_VERSION, cacheDir } from "./toolchain";

const KEYS = ["target", "hosts", "zookeeper", "kafka", "dataDir"] as const;

/** Reads the project's stack config and plans the cluster; bad config fails the run with every problem listed. */
export function loadClusterPlan(): ClusterPlan {
  const config = new pulumi.Config("kafka-cluster");
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const text = config.get(key);
    if (text === undefined) continue;
    try {
      raw[key] = key === "target" || key === "dataDir" ? text : JSON.parse(text);
    } catch {
      raw[key] = text; // not JSON: the schema reports it with its path
    }
  }
  try {
    return planCluster(raw, {
      defaultKafkaVersion: KAFKA_VERSION,
      defaultDataDir: path.join(cacheDir(), "stacks", `${pulumi.getProject()}-${pulumi.getStack()}`),
    });
  } catch (err) {
    if (err instanceof ClusterConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
