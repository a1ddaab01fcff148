// Pure: the stack's `kafka-cluster:consumer` value and the cluster plan ->
// where and how the consumer service runs, or every problem with its path.
import { z } from "zod";
import type { ClusterPlan, PlannedHost } from "../infra/plan";
import { renderEnvFile as renderNamedEnvFile } from "../infra/render";
import { NO_CONTROL_CHARACTERS, hasControlCharacter } from "../lib/control-characters";
import { zodProblems, type Problem } from "../lib/problems";
import { isTopicName } from "../lib/topic-name";
import { DEFAULT_MAX_HEAP_MB } from "./consumer-bundle";

const topicName = z.string().refine(isTopicName, "must be a Kafka topic name");

const schema = z.strictObject({
  enabled: z.boolean().optional(),
  host: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).default(8080),
  // Reaches the service's env file.
  groupId: z
    .string()
    .min(1)
    .refine((g) => !hasControlCharacter(g), NO_CONTROL_CHARACTERS)
    .default("hello-kafka-word-count"),
  windowMs: z.number().int().min(100).max(86_400_000).default(10_000),
  outputTopic: topicName.optional(),
  topics: z.array(topicName).min(1).default(["Hello-Kafka"]),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  maxHeapMb: z.number().int().min(32).max(65_536).default(DEFAULT_MAX_HEAP_MB),
  // Unset: the service's own defaults (consumer/config.ts), and no change to a deployed env file.
  maxWindowWords: z.number().int().min(100).max(1_000_000).optional(),
  maxConnections: z.number().int().min(4).max(10_000).optional(),
});

export type ConsumerConfigInput = z.input<typeof schema>;
export type ConsumerConfig = z.output<typeof schema>;

export interface ConsumerPlan {
  readonly host: PlannedHost;
  readonly port: number;
  readonly topics: string[];
  readonly healthUrl: string;
  /** Node.js's old-generation limit for the service (stack/consumer-bundle.ts). */
  readonly maxHeapMb: number;
  /** The service's environment (consumer/config.ts). */
  readonly env: Record<string, string>;
}

export interface ConsumerPlanResult {
  /** Undefined when the service is not deployed. */
  readonly consumer: ConsumerPlan | undefined;
  readonly problems: Problem[];
}

/** The config key's own checks, which need no cluster plan. */
export function parseConsumer(
  raw: unknown,
  namespace = "kafka-cluster",
): { config: ConsumerConfig; problems: [] } | { config: undefined; problems: Problem[] } {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return { config: parsed.data, problems: [] };
  return { config: undefined, problems: zodProblems(`${namespace}:consumer`, raw, parsed.error.issues) };
}

/** Ports the plan already uses on `host`, with what uses them. */
export function portsTaken(plan: ClusterPlan, host: PlannedHost): Array<readonly [number, string]> {
  return [
    ...plan.brokers.filter((b) => b.address === host.address).map((b) => [b.port, `broker ${b.id}`] as const),
    ...plan.zookeeper
      .filter((zk) => zk.address === host.address)
      .flatMap(
        (zk) =>
          [
            [zk.clientPort, "ZooKeeper's client port"],
            [zk.peerPort, "ZooKeeper's peer port"],
            [zk.electionPort, "ZooKeeper's election port"],
          ] as const,
      ),
  ];
}

function serviceEnv(c: ConsumerConfig, plan: ClusterPlan, host: PlannedHost): Record<string, string> {
  return {
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
    ...(c.maxWindowWords !== undefined ? { WINDOW_MAX_WORDS: String(c.maxWindowWords) } : {}),
    ...(c.maxConnections !== undefined ? { HTTP_MAX_CONNECTIONS: String(c.maxConnections) } : {}),
  };
}

/** A parsed consumer config on the cluster plan: its host, its port clashes, its environment. */
export function placeConsumer(c: ConsumerConfig, plan: ClusterPlan, namespace = "kafka-cluster"): ConsumerPlanResult {
  const key = `${namespace}:consumer`;
  const enabled = c.enabled ?? plan.target !== "ssh";
  const host = c.host === undefined ? plan.hosts[0] : plan.hosts.find((h) => h.name === c.host);
  if (!host) {
    const message = `must be one of the stack's hosts (${plan.hosts.map((h) => h.name).join(", ")})`;
    return { consumer: undefined, problems: [{ path: `${key}.host`, message, value: c.host }] };
  }
  const clash = portsTaken(plan, host).find(([port]) => port === c.port);
  if (clash) {
    const message = `${host.name} already uses it for ${clash[1]}`;
    return { consumer: undefined, problems: [{ path: `${key}.port`, message, value: c.port }] };
  }
  if (!enabled) return { consumer: undefined, problems: [] };
  const healthUrl = `http://${host.address}:${c.port}/health`;
  const env = serviceEnv(c, plan, host);
  return { consumer: { host, port: c.port, topics: c.topics, healthUrl, maxHeapMb: c.maxHeapMb, env }, problems: [] };
}

/**
 * Plans the consumer. Unset, it runs on the `local` and `docker` targets
 * (everything it needs is on this machine or in an image); on `ssh` set
 * `enabled: true` (the host needs Node.js 20.6 or newer on its PATH: the
 * service reads its settings with `node --env-file`).
 */
export function planConsumer(raw: unknown, plan: ClusterPlan, namespace = "kafka-cluster"): ConsumerPlanResult {
  const parsed = parseConsumer(raw, namespace);
  if (!parsed.config) return { consumer: undefined, problems: parsed.problems };
  return placeConsumer(parsed.config, plan, namespace);
}

/** The service's env file, as every target writes it. */
export function renderEnvFile(env: Readonly<Record<string, string>>): string {
  return renderNamedEnvFile(env, "consumer service");
}
