// Pure: the zod schema of the cluster's stack config keys, each checked on
// its own, and the defaults that go with them (hosts, images, directories).
import { z } from "zod";
import { NO_CONTROL_CHARACTERS, hasControlCharacter } from "../lib/control-characters";
import { parseHostKey } from "../lib/ssh-host-key";
import { dataDirProblem, distributionSchema } from "./plan-paths";

export const TARGETS = ["local", "ssh", "docker"] as const;
export type TargetKind = (typeof TARGETS)[number];

export const HOST_NAMES = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"] as const;

/** Defaults of the `local` target: one loopback address per host. */
export const LOCAL_ADDRESSES = ["127.0.10.1", "127.0.10.2", "127.0.10.3"] as const;

export const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const hostname =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const port = z.number().int().min(1).max(65535);
const propertyValue = z.union([z.string(), z.number(), z.boolean()]);
/**
 * Kafka's setting names: dot-separated words of lower-case letters, digits,
 * "_" and "-" (`log.cleaner.threads`, `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config`:
 * Kafka lower-cases a listener's name in its prefix).
 */
const brokerSettingKey = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
/** Settings that stay on their own line of server.properties (the reserved ones: plan-checks.ts). */
const brokerConfig = z.record(z.string(), propertyValue).superRefine((settings, ctx) => {
  for (const [key, value] of Object.entries(settings)) {
    if (!brokerSettingKey.test(key)) {
      const message = 'is not a Kafka setting name (dot-separated lower-case letters, digits, "_" and "-")';
      ctx.addIssue({ code: "custom", path: [key], message });
    } else if (typeof value === "string" && hasControlCharacter(value)) {
      ctx.addIssue({ code: "custom", path: [key], message: NO_CONTROL_CHARACTERS });
    }
  }
});
/** A POSIX user name (useradd's rule): the ssh login and the systemd units' User=. */
const posixUser = /^[a-z_][a-z0-9_-]*[$]?$/;
// [registry[:port]/]path[:tag][@sha256:digest], as `docker pull` takes it.
const imageRef = z
  .string()
  .regex(
    /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    'must be a Docker image reference such as "apache/kafka:3.9.2"',
  );

/** Images of the `docker` target unless stack config names others (docs/targets.md: the docker target). */
export const DOCKER_IMAGES = {
  /** The Apache Kafka project's own image, tagged with the Kafka version. */
  kafka: (version: string): string => `apache/kafka:${version}`,
  zookeeper: "zookeeper:3.8.4",
  /** Runs the consumer service's bundle; the Node.js line the project runs on. */
  node: "node:24.21.0-bookworm-slim",
} as const;

/** Data directories inside the docker target's containers: the images' own volumes, writable by their users. */
export const DOCKER_DIRS = { kafkaLogs: "/var/lib/kafka/data", zookeeperData: "/data" } as const;

const hostSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "must be a lowercase DNS label"),
  address: z
    .string()
    .refine((a) => ipv4.test(a) || hostname.test(a), "must be an IPv4 address or a host name")
    // Brokers advertise it to clients, and Kafka refuses to advertise the meta-address.
    .refine((a) => a !== "0.0.0.0", "must be an address clients can reach, not 0.0.0.0"),
  user: z
    .string()
    .refine(
      (u) => posixUser.test(u) && u.length <= 32,
      'must be a POSIX user name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters',
    )
    .optional(),
  port: port.optional(),
  /** The broker's id. Default: its place in the list, from 1. Pin it on the hosts after one you remove. */
  brokerId: z.number().int().min(1).max(999_999).optional(),
  privateKey: z.string().min(1).optional(),
  /** ssh target: the host's public key (`ssh-ed25519 AAAA...`), the only one its connections accept. */
  hostKey: z
    .string()
    .superRefine((k, ctx) => {
      const key = parseHostKey(k);
      if (typeof key === "string") ctx.addIssue({ code: "custom", message: key });
    })
    .optional(),
});

export const configSchema = z.strictObject({
  target: z.enum(TARGETS).default("local"),
  hosts: z.array(hostSchema).optional(),
  zookeeper: z
    .strictObject({
      nodes: z.array(z.string()).optional(),
      clientPort: port.default(2181),
      peerPort: port.default(2888),
      electionPort: port.default(3888),
    })
    .default({ clientPort: 2181, peerPort: 2888, electionPort: 3888 }),
  kafka: z
    .strictObject({
      version: z
        .string()
        .regex(/^3\.9\.\d+$/, "must be a Kafka 3.9.x version (the last line with ZooKeeper)")
        .optional(),
      port: port.default(9092),
      heap: z
        .string()
        .regex(/^\d+[mg]$/, 'must be a JVM heap size such as "1g" or "512m"')
        .default("1g"),
      brokerConfig: brokerConfig.default({}),
      /** ssh target: where hosts get Kafka, with its SHA-512. Default: the Apache archive URL of the version, unchecked. */
      distribution: distributionSchema.optional(),
    })
    .default({ port: 9092, heap: "1g", brokerConfig: {} }),
  dataDir: z
    .string()
    .superRefine((d, ctx) => {
      const message = dataDirProblem(d);
      if (message) ctx.addIssue({ code: "custom", message });
    })
    .optional(),
  /** ssh target: connect to hosts without a hostKey whatever key they show (warned at preview). */
  insecureIgnoreHostKey: z.boolean().optional(),
  /** How a change that needs a restart restarts brokers and ZooKeeper nodes: one at a time, gated, or all at once. */
  restarts: z.enum(["rolling", "all-at-once"]).default("rolling"),
  /** A rolling restart's gates: how long each waits for in-sync replicas (or the quorum) before it gives up. */
  rollTimeoutSeconds: z.number().int().min(5).max(86_400).default(300),
  /** local and ssh targets: a `dataDir` change moves each data directory (refused at preview without it). */
  moveData: z.boolean().default(false),
  /** Where replicas live as brokers come and go (infra/placement/): spread onto new brokers, moved off removed ones. */
  placement: z
    .strictObject({
      /** Spread replicas evenly over the brokers: every topic (true) or the topics named. */
      rebalance: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).default(false),
      /** Move replicas off brokers no longer in hosts before they stop (refused without it while they hold any). */
      drain: z.boolean().default(false),
      /** Replication throttle while replicas move, per broker, bytes per second (removed afterwards). */
      throttleBytesPerSecond: z.number().int().min(1024).default(10_485_760),
      /** How long the moves may take before they are cancelled and `up` fails. */
      timeoutSeconds: z.number().int().min(10).max(86_400).default(600),
    })
    .default({ rebalance: false, drain: false, throttleBytesPerSecond: 10_485_760, timeoutSeconds: 600 }),
  /** ssh target: systemd units where the host runs systemd ("auto"), or plain processes. */
  serviceManager: z.enum(["auto", "systemd", "process"]).default("auto"),
  /** docker target: network, images and restart policy. */
  docker: z
    .strictObject({
      network: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a Docker network name")
        .optional(),
      kafkaImage: imageRef.optional(),
      zookeeperImage: imageRef.optional(),
      nodeImage: imageRef.optional(),
      restart: z.enum(["no", "on-failure", "always", "unless-stopped"]).optional(),
    })
    .optional(),
});

export type ClusterConfigInput = z.input<typeof configSchema>;

/** The cluster's keys once each is valid (defaults filled in). */
export type ClusterConfig = z.output<typeof configSchema>;
export type ClusterConfigKey = keyof typeof configSchema.shape;

/** Broker settings the plan owns; stack config may not override them. */
export const RESERVED_BROKER_SETTINGS = [
  "broker.id",
  "listeners",
  "advertised.listeners",
  "log.dirs",
  "zookeeper.connect",
];
