// Pure: what the program's resources are, told from their type tokens and
// names as the engine reports them (preview JSON, policy packs, state export).
// Shared by the preview summary (ci/summary.ts) and the policy pack (policy/).
import { ROLE_LABEL } from "../infra/render-docker";

/** Type tokens of the program's resources; dynamic resources are `pulumi-nodejs:dynamic/<module>:<type>`. */
export const TYPES = {
  stack: "pulumi:pulumi:Stack",
  cluster: "kafka-cluster:infra:KafkaCluster",
  topic: "pulumi-nodejs:dynamic/kafka-cluster:KafkaTopic",
  clusterReady: "pulumi-nodejs:dynamic/kafka-cluster:ClusterReady",
  /** The broker settings Kafka changes at run time, applied through the admin API (infra/live-broker-settings.ts). */
  liveBrokerSettings: "pulumi-nodejs:dynamic/kafka-cluster:LiveBrokerSettings",
  /** Where replicas live as brokers come and go (infra/placement/). */
  brokerPlacement: "pulumi-nodejs:dynamic/kafka-cluster:BrokerPlacement",
  localProcess: "pulumi-nodejs:dynamic/kafka-cluster:LocalProcess",
  remoteProcess: "pulumi-nodejs:dynamic/kafka-cluster:RemoteProcess",
  remoteInstall: "pulumi-nodejs:dynamic/kafka-cluster:RemoteKafkaInstall",
  /** A ZooKeeper node's or broker's data directory (local, ssh): only its delete removes data. */
  localDataDirectory: "pulumi-nodejs:dynamic/kafka-cluster:LocalDataDirectory",
  remoteDataDirectory: "pulumi-nodejs:dynamic/kafka-cluster:RemoteDataDirectory",
  /** The docker target's brokers, ZooKeeper nodes and consumer service (`@pulumi/docker`). */
  dockerContainer: "docker:index/container:Container",
  /** A docker container's data (Kafka logs, ZooKeeper data), kept across container replacements. */
  dockerVolume: "docker:index/volume:Volume",
} as const;

/** What runs a broker, a ZooKeeper node or the consumer service: a process (local, ssh) or a container (docker). */
export function isProcess(type: string): boolean {
  return type === TYPES.localProcess || type === TYPES.remoteProcess || type === TYPES.dockerContainer;
}

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

/**
 * What a resource is: processes and containers are `<cluster>-broker-<id>` and
 * `<cluster>-zookeeper-<myid>` (the consumer service's are not).
 */
export function roleOf(type: string, name: string): Role {
  if (type === TYPES.topic) return { kind: "topic" };
  if (type === TYPES.remoteInstall) return { kind: "install" };
  if (isProcess(type)) {
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

type Props = Readonly<Record<string, unknown>>;

/**
 * The content of a process's config file named `base` (e.g. server.properties),
 * from its inputs: `files` (path -> content) of a LocalProcess or
 * RemoteProcess, `uploads` ([{ file, content }]) of a docker container.
 */
export function fileNamed(props: Props | undefined, base: string): string | undefined {
  const named = (p: unknown): boolean => typeof p === "string" && (p === base || p.endsWith(`/${base}`));
  const { files, uploads } = props ?? {};
  const entries = Array.isArray(uploads)
    ? uploads.map((u: { file?: unknown; content?: unknown } | null) => [u?.file, u?.content] as const)
    : files && typeof files === "object"
      ? Object.entries(files as Record<string, unknown>)
      : [];
  return entries.find(([p, content]) => named(p) && typeof content === "string")?.[1] as string | undefined;
}

/** A process's description, e.g. `hadoop-nn kafka broker 1`: its `label`, or a docker container's ROLE_LABEL label. */
export function labelOf(props: Props | undefined): string | undefined {
  if (typeof props?.label === "string") return props.label;
  const labels = Array.isArray(props?.labels)
    ? (props.labels as Array<{ label?: unknown; value?: unknown } | null>)
    : [];
  const value = labels.find((l) => l?.label === ROLE_LABEL)?.value;
  return typeof value === "string" ? value : undefined;
}
