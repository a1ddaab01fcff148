// The service's settings from environment variables, validated in one place:
// every problem is reported together, each naming the variable and its value.
import { z } from "zod";
import { KafkaClusterError } from "../lib/errors";
import { formatProblem, formatProblems, type Problem } from "../lib/problems";
import { isTopicName } from "../lib/topic-name";

const isHostPort = (s: string): boolean => /^[^\s,:]+:\d{1,5}$/.test(s);

const list = (what: string, valid: (entry: string) => boolean) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine(valid, `each entry must be ${what}`)).min(1, "must list at least one entry"));

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const schema = z.object({
  KAFKA_BOOTSTRAP_SERVERS: list("host:port", isHostPort),
  // chroot paths (host:port/kafka) are allowed after the last address
  ZOOKEEPER_CONNECT: z
    .string()
    .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*(\/\S*)?$/, "must be host:port[,host:port...][/chroot]"),
  TOPICS: list("a Kafka topic name", isTopicName).default(["Hello-Kafka"]),
  CONSUME_TOPICS: list("a Kafka topic name", isTopicName).optional(),
  GROUP_ID: z.string().min(1, "must not be empty").default("hello-kafka-word-count"),
  CLIENT_ID: z.string().min(1, "must not be empty").default("kafka-cluster-consumer"),
  WINDOW_MS: int(100, 86_400_000).default(10_000),
  WINDOWS_KEPT: int(1, 10_000).default(20),
  WINDOW_MAX_WORDS: int(100, 1_000_000).default(10_000),
  WINDOW_TOP_WORDS: int(1, 10_000).default(1_000),
  OUTPUT_TOPIC: z.string().refine(isTopicName, "must be a Kafka topic name").optional(),
  // Loopback unless told otherwise: every deployment sets it (stack/consumer-plan.ts, docker: 0.0.0.0).
  HTTP_HOST: z.string().min(1, "must not be empty").default("127.0.0.1"),
  HTTP_PORT: int(0, 65535).default(8080),
  HTTP_MAX_CONNECTIONS: int(4, 10_000).default(64),
  EXPECTED_BROKERS: int(1, 1000).default(3),
  ADMIN_POLL_MS: int(100, 600_000).default(2_000),
  STALE_AFTER_MS: int(100, 3_600_000).default(10_000),
  DISAGREEMENT_GRACE_MS: int(0, 3_600_000).default(5_000),
  ZK_SESSION_TIMEOUT_MS: int(1_000, 600_000).default(6_000),
  // The direct broker probe: a probe starts every interval (one in flight per broker), each fails after the timeout.
  PROBE_INTERVAL_MS: int(50, 60_000).default(250),
  PROBE_TIMEOUT_MS: int(50, 60_000).default(750),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface ServiceConfig {
  readonly bootstrapServers: string[];
  readonly zookeeperConnect: string;
  /** Topics whose partitions health reports on. */
  readonly topics: string[];
  /** Topics the word count consumes; default: `topics`. */
  readonly consumeTopics: string[];
  readonly groupId: string;
  readonly clientId: string;
  readonly windowMs: number;
  readonly windowsKept: number;
  /** Distinct words a window counts exactly (consumer/word-counts.ts). */
  readonly windowMaxWords: number;
  /** Words a closed window keeps and shows. */
  readonly windowTopWords: number;
  readonly outputTopic: string | undefined;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly httpMaxConnections: number;
  readonly expectedBrokers: number;
  readonly adminPollMs: number;
  readonly staleAfterMs: number;
  readonly disagreementGraceMs: number;
  readonly zkSessionTimeoutMs: number;
  /** How often each broker is probed directly (consumer/broker-probe.ts). */
  readonly probeIntervalMs: number;
  /** A probe without an answer by then fails: the broker is reported unreachable. */
  readonly probeTimeoutMs: number;
  readonly logLevel: string;
}

/** Bad settings: main.ts exits 2 with the message. `problems` are the formatted lines. */
export class ConfigError extends KafkaClusterError {
  readonly retriable = false;
  readonly problems: readonly string[];
  constructor(problems: readonly Problem[]) {
    super(formatProblems(problems, "invalid environment"));
    this.problems = problems.map(formatProblem);
    this.name = "ConfigError";
  }
}

/** Reads the service's settings; unset or empty variables take their defaults. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v.trim() !== "") raw[key] = v.trim();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // Each problem names the variable and shows its whole value, not the entry of a list that failed.
    throw new ConfigError(
      parsed.error.issues.map((i): Problem => {
        const key = String(i.path[0]);
        if (!(key in raw)) return { path: key, message: "is required and not set" };
        return { path: key, message: i.message, value: raw[key] };
      }),
    );
  }
  const c = parsed.data;
  return {
    bootstrapServers: c.KAFKA_BOOTSTRAP_SERVERS,
    zookeeperConnect: c.ZOOKEEPER_CONNECT,
    topics: c.TOPICS,
    consumeTopics: c.CONSUME_TOPICS ?? c.TOPICS,
    groupId: c.GROUP_ID,
    clientId: c.CLIENT_ID,
    windowMs: c.WINDOW_MS,
    windowsKept: c.WINDOWS_KEPT,
    windowMaxWords: c.WINDOW_MAX_WORDS,
    windowTopWords: c.WINDOW_TOP_WORDS,
    outputTopic: c.OUTPUT_TOPIC,
    httpHost: c.HTTP_HOST,
    httpPort: c.HTTP_PORT,
    httpMaxConnections: c.HTTP_MAX_CONNECTIONS,
    expectedBrokers: c.EXPECTED_BROKERS,
    adminPollMs: c.ADMIN_POLL_MS,
    staleAfterMs: c.STALE_AFTER_MS,
    disagreementGraceMs: c.DISAGREEMENT_GRACE_MS,
    zkSessionTimeoutMs: c.ZK_SESSION_TIMEOUT_MS,
    probeIntervalMs: c.PROBE_INTERVAL_MS,
    probeTimeoutMs: c.PROBE_TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
  };
}
