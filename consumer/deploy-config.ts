// Pure: the stack's `kafka-cluster:consumer` value and the cluster plan ->
// where and how the consumer service runs, or every problem with its path.
import { z } from "zod";
import type { ClusterPlan, PlannedHost } from "../infra/plan";
import { DEFAULT_MAX_HEAP_MB } from "./bundle";

const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, "must be a Kafka topic name");

const schema = z.strictObject({
  enabled: z.boolean().optional(),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).default(8080),
  groupId: z.string().min(1).default("hello-kafka-word-count"),
  windowMs: z.number().int().min(100).max(86_400_000).default(10_000),
  outputTopic: topicName.optional(),
  topics: z.array(topicName).min(1).default(["Hello-Kafka"]),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  maxHeapMb: z.number().int().min(32).max(65_536).default(DEFAULT_MAX_HEAP_MB),
});

export type ConsumerConfigInput = z.input<typeof schema>;

export interface ConsumerPlan {
  readonly host: PlannedHost;
  readonly port: number;
  readonly topics: string[];
  readonly healthUrl: string;
  /** Node.js's old-generation limit for the service (consumer/bundle.ts). */
  readonly maxHeapMb: number;
  /** The service's environment (consumer/config.ts). */
  readonly env: Record<string, string>;
}

export interface ConsumerPlanResult {
  /** Undefined when the service is not deployed. */
  readonly consumer: ConsumerPlan | undefined;
  readonly problems: string[];
}

/**
 * Plans the consumer. Unset, it runs on the `local` and `docker` targets
 * (everything it needs is on this machine or in an image); on `ssh` set
 * `enabled: true` (the host needs Node.js 20.6 or newer on its PATH: the service reads its settings with `node --env-file`).
 */
export function planConsumer(raw: unknown, plan: ClusterPlan, namespace = "kafka-cluster"): ConsumerPlanResult {
  const key = `${namespace}:consumer`;
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const at = (path: readonly PropertyKey[], message: string): string => {
      let value: unknown = raw;
      for (const s of path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[s] : undefined;
      const where = path.map((s) => (typeof s === "number" ? `[${s}]` : `.${String(s)}`)).join("");
      return `${key}${where}: ${message}, got ${JSON.stringify(value)}`;
    };
    const problems = parsed.error.issues.flatMap((i) =>
      i.code === "unrecognized_keys" ? i.keys.map((k) => at([...i.path, k], "unknown key")) : [at(i.path, i.message)],
    );
    return { consumer: undefined, problems };
  }
  const c = parsed.data;
  const enabled = c.enabled ?? plan.target !== "ssh";
  const problems: string[] = [];
  const host = c.host === undefined ? plan.hosts[0] : plan.hosts.find((h) => h.name === c.host);
  if (!host) {
    problems.push(`${key}.host: must be one of the stack's hosts (${plan.hosts.map((h) => h.name).join(", ")}), got ${JSON.stringify(c.host)}`);
    return { consumer: undefined, problems };
  }
  const taken = [
    ...plan.brokers.filter((b) => b.address === host.address).map((b) => [b.port, `broker ${b.id}`] as const),
    ...plan.zookeeper
      .filter((zk) => zk.address === host.address)
      .flatMap((zk) => [[zk.clientPort, "ZooKeeper's client port"], [zk.peerPort, "ZooKeeper's peer port"], [zk.electionPort, "ZooKeeper's election port"]] as const),
  ];
  const clash = taken.find(([port]) => port === c.port);
  if (clash) problems.push(`${key}.port: ${host.name} already uses it for ${clash[1]}, got ${c.port}`);
  if (!enabled || problems.length > 0) return { consumer: undefined, problems };
  const env: Record<string, string> = {
    KAFKA_BOOTSTRAP_SERVERS: plan.bootstrapServers,
    ZOOKEEPER_CONNECT: plan.zookeeperConnect,
    TOPICS: c.topics.join(","),
    GROUP_ID: c.groupId,
    WINDOW_MS: String(c.windowMs),
    HTTP_HOST: host.address,
    HTTP_PORT: String(c.port),
    EXPECTED_BROKERS: String(plan.brokers.length),
    LOG_LEVEL: c.logLevel,
    ...(c.outputTopic ? { OUTPUT_TOPIC: c.outputTopic } : {}),
  };
  return { consumer: { host, port: c.port, topics: c.topics, healthUrl: `http://${host.address}:${c.port}/health`, maxHeapMb: c.maxHeapMb, env }, problems };
}
