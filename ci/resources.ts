// Pure: what the program's resources are, told from their type tokens and
// names as the engine reports them (preview JSON, policy packs, state export).
// Shared by the preview summary (ci/summary.ts) and the policy pack (policy/).

/** Type tokens of the program's resources; dynamic resources are `pulumi-nodejs:dynamic/<module>:<type>`. */
export const TYPES = {
  stack: "pulumi:pulumi:Stack",
  cluster: "kafka-cluster:infra:KafkaCluster",
  topic: "pulumi-nodejs:dynamic/kafka-cluster:KafkaTopic",
  clusterReady: "pulumi-nodejs:dynamic/kafka-cluster:ClusterReady",
  localProcess: "pulumi-nodejs:dynamic/kafka-cluster:LocalProcess",
  remoteProcess: "pulumi-nodejs:dynamic/kafka-cluster:RemoteProcess",
  remoteInstall: "pulumi-nodejs:dynamic/kafka-cluster:RemoteKafkaInstall",
} as const;

export type Role =
  | { readonly kind: "topic" }
  | { readonly kind: "broker"; readonly id: number }
  | { readonly kind: "zookeeper"; readonly id: number }
  /** A Kafka release on an ssh host: replacing it restarts that host's processes. */
  | { readonly kind: "install" }
  | { readonly kind: "other" };

/** The last two parts of a URN: `urn:pulumi:<stack>::<project>::<type path>::<name>`. */
export function urnParts(urn: string): { stack: string; project: string; type: string; name: string } {
  const [head = "", project = "", typePath = "", ...rest] = urn.split("::");
  return {
    stack: head.replace(/^urn:pulumi:/, ""),
    project,
    type: typePath.split("$").pop() ?? "",
    name: rest.join("::"),
  };
}

/** What a resource is: processes are `<cluster>-broker-<id>` and `<cluster>-zookeeper-<myid>`. */
export function roleOf(type: string, name: string): Role {
  if (type === TYPES.topic) return { kind: "topic" };
  if (type === TYPES.remoteInstall) return { kind: "install" };
  if (type === TYPES.localProcess || type === TYPES.remoteProcess) {
    const m = /-(broker|zookeeper)-(\d+)$/.exec(name);
    if (m) return { kind: m[1] as "broker" | "zookeeper", id: Number(m[2]) };
  }
  return { kind: "other" };
}

/** A `key=value` properties file's value, e.g. `min.insync.replicas` in server.properties. */
export function propertiesValue(text: string, key: string): string | undefined {
  for (const line of text.split("\n")) {
    const m = /^\s*([^#!=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] === key) return m[2];
  }
  return undefined;
}

/** The content of the file among a process's `files` (path -> content) whose name is `base`. */
export function fileNamed(files: unknown, base: string): string | undefined {
  if (!files || typeof files !== "object") return undefined;
  for (const [p, content] of Object.entries(files as Record<string, unknown>)) {
    if ((p === base || p.endsWith(`/${base}`)) && typeof content === "string") return content;
  }
  return undefined;
}
