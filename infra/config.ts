// The one place that reads stack config: raw values go to planCluster, which
// validates them all at once (at preview time); private keys leave here only
// as Pulumi secrets.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfigError, planCluster, type ClusterPlan } from "./plan";
import { KAFKA_VERSION, cacheDir } from "./toolchain";

const NAMESPACE = "kafka-cluster";
const KEYS = ["target", "hosts", "zookeeper", "kafka", "dataDir", "serviceManager"] as const;
const STRING_KEYS: ReadonlySet<string> = new Set(["target", "dataDir", "serviceManager"]);

export interface StackSettings {
  readonly plan: ClusterPlan;
  /** ssh target: each host's private key by host name, as secrets. */
  readonly privateKeys: Record<string, pulumi.Output<string>>;
}

/** Reads the project's stack config and plans the cluster; bad config fails the run with every problem listed. */
export function loadStackSettings(): StackSettings {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    // The runtime's own reader: `hosts` holds secrets (private keys), and
    // Config.get would warn about reading a secret as plain text.
    const text = pulumi.runtime.getConfig(`${NAMESPACE}:${key}`);
    if (text === undefined) continue;
    try {
      raw[key] = STRING_KEYS.has(key) ? text : JSON.parse(text);
    } catch {
      raw[key] = text; // not JSON: the schema reports it with its path
    }
  }
  let plan: ClusterPlan;
  try {
    plan = planCluster(raw, {
      namespace: NAMESPACE,
      defaultKafkaVersion: KAFKA_VERSION,
      defaultDataDir: (target) =>
        target === "local"
          ? path.join(cacheDir(), "stacks", `${pulumi.getProject()}-${pulumi.getStack()}`)
          : "/var/lib/kafka-cluster",
    });
  } catch (err) {
    if (err instanceof ClusterConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
  const privateKeys: Record<string, pulumi.Output<string>> = {};
  for (const h of (Array.isArray(raw.hosts) ? raw.hosts : []) as Array<{ name?: unknown; privateKey?: unknown }>) {
    if (typeof h.name === "string" && typeof h.privateKey === "string") privateKeys[h.name] = pulumi.secret(h.privateKey);
  }
  return { plan, privateKeys };
}
