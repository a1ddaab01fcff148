// Pure: validates stack config and turns it into a ClusterPlan (hosts, broker
// ids, listeners, the ZooKeeper ensemble, directories). Every problem is
// collected and reported together, each with its config path and value.
import { z } from "zod";
import { ConfigError } from "../lib/errors";
import type { Problem } from "../lib/problems";

export const TARGETS = ["local", "ssh", "docker"] as const;
export type TargetKind = (typeof TARGETS)[number];

export const HOST_NAMES = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"] as const;

/** Defaults of the `local` target: one loopback address per host. */
export const LOCAL_ADDRESSES = ["127.0.10.1", "127.0.10.2", "127.0.10.3"] as const;

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const hostname = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const port = z.number().int().min(1).max(65535);
const propertyValue = z.union([z.string(), z.number(), z.boolean()]);
// [registry[:port]/]path[:tag][@sha256:digest], as `docker pull` takes it.
const imageRef = z
  .string()
  .regex(
    /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    'must be a Docker image reference such as "apache/kafka:3.9.2"',
  );

/** Images of the `docker` target unless stack config names others (README: the docker target). */
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
  address: z.string().refine((a) => ipv4.test(a) || hostname.test(a), "must be an IPv4 address or a host name"),
  user: z.string().min(1).optional(),
  port: port.optional(),
  privateKey: z.string().min(1).optional(),
});

const configSchema = z.strictObject({
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
      version: z.string().regex(/^3\.9\.\d+$/, "must be a Kafka 3.9.x version (the last line with ZooKeeper)").optional(),
      port: port.default(9092),
      heap: z.string().regex(/^\d+[mg]$/, 'must be a JVM heap size such as "1g" or "512m"').default("1g"),
      brokerConfig: z.record(z.string(), propertyValue).default({}),
      /** ssh target: where hosts get Kafka. Default: the Apache archive URL of the version. */
      distribution: z
        .union([z.strictObject({ url: z.url() }), z.strictObject({ file: z.string().min(1) })], {
          error: 'must be { url: "https://..." } or { file: "/path/to/kafka_2.13-<version>.tgz" }',
        })
        .optional(),
    })
    .default({ port: 9092, heap: "1g", brokerConfig: {} }),
  dataDir: z.string().min(1).optional(),
  /** ssh target: systemd units where the host runs systemd ("auto"), or plain processes. */
  serviceManager: z.enum(["auto", "systemd", "process"]).default("auto"),
  /** docker target: network, images and restart policy. */
  docker: z
    .strictObject({
      network: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a Docker network name").optional(),
      kafkaImage: imageRef.optional(),
      zookeeperImage: imageRef.optional(),
      nodeImage: imageRef.optional(),
      restart: z.enum(["no", "on-failure", "always", "unless-stopped"]).optional(),
    })
    .optional(),
});

export type ClusterConfigInput = z.input<typeof configSchema>;

export interface PlannedHost {
  readonly name: string;
  readonly address: string;
  readonly user?: string;
  readonly port?: number;
}

export interface PlannedZooKeeperNode {
  /** myid, 1-based in host order. */
  readonly id: number;
  readonly host: string;
  readonly address: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly electionPort: number;
  readonly dataDir: string;
}

export interface PlannedBroker {
  readonly id: number;
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly logDir: string;
}

/** How the docker target runs the plan (defaults filled in). */
export interface DockerPlan {
  readonly network: string;
  readonly kafkaImage: string;
  readonly zookeeperImage: string;
  readonly nodeImage: string;
  /** Docker restart policy of every container. */
  readonly restart: "no" | "on-failure" | "always" | "unless-stopped";
}

export interface ClusterPlan {
  readonly target: TargetKind;
  readonly kafkaVersion: string;
  readonly hosts: readonly PlannedHost[];
  readonly zookeeper: readonly PlannedZooKeeperNode[];
  readonly zookeeperConnect: string;
  readonly brokers: readonly PlannedBroker[];
  readonly bootstrapServers: string;
  readonly brokerSettings: Readonly<Record<string, string | number | boolean>>;
  readonly heap: string;
  readonly dataDir: string;
  /** Where an ssh host gets the Kafka release. */
  readonly distribution: { readonly url: string } | { readonly file: string };
  readonly serviceManager: "auto" | "systemd" | "process";
  /** Only for the docker target. */
  readonly docker?: DockerPlan;
}

/** The Apache archive keeps every release, unlike the mirrors. */
export function defaultDistributionUrl(version: string): string {
  return `https://archive.apache.org/dist/kafka/${version}/kafka_2.13-${version}.tgz`;
}

/** A problem of the cluster's config: always with the value found (or undefined), never a private key. */
export type ConfigProblem = Problem & { readonly value: unknown };

/** planCluster's error: a ConfigError whose problems are the cluster keys'. */
export class ClusterConfigError extends ConfigError {
  constructor(override readonly problems: readonly ConfigProblem[]) {
    super(problems);
    this.name = "ClusterConfigError";
  }
}

/** Broker settings the plan owns; stack config may not override them. */
const RESERVED_BROKER_SETTINGS = ["broker.id", "listeners", "advertised.listeners", "log.dirs", "zookeeper.connect"];

export interface PlanContext {
  /** The config namespace used in messages. Default `kafka-cluster`. */
  readonly namespace?: string;
  /** Kafka version when config gives none. */
  readonly defaultKafkaVersion: string;
  /** Data directory when config gives none, per target. */
  readonly defaultDataDir: (target: TargetKind) => string;
}

function pathOf(namespace: string, segments: ReadonlyArray<PropertyKey>): string {
  let out = `${namespace}:`;
  segments.forEach((s, i) => {
    if (typeof s === "number") out += `[${s}]`;
    else out += i === 0 ? String(s) : `.${String(s)}`;
  });
  return out;
}

function valueAt(raw: unknown, segments: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = raw;
  for (const s of segments) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

/**
 * Validates raw stack config (an object of the project's config keys without
 * the namespace) and plans the cluster, or throws ClusterConfigError listing
 * every problem.
 */
export function planCluster(raw: Record<string, unknown>, ctx: PlanContext): ClusterPlan {
  const ns = ctx.namespace ?? "kafka-cluster";
  const problems: ConfigProblem[] = [];
  const problem = (segs: ReadonlyArray<PropertyKey>, message: string, value: unknown): void => {
    // Never echo a private key into a message or a log.
    const secret = segs[segs.length - 1] === "privateKey" && value !== undefined;
    problems.push({ path: pathOf(ns, segs), message, value: secret ? "[secret]" : value });
  };

  // Each key is checked on its own, so one bad value does not hide the
  // problems of the others; cross-key checks run where their keys are valid.
  const shape = configSchema.shape;
  for (const key of Object.keys(raw)) {
    if (!(key in shape)) problem([key], "unknown config key", raw[key]);
  }
  const cfg: Partial<z.output<typeof configSchema>> = {};
  const parseKey = <K extends keyof typeof shape>(key: K): boolean => {
    const r = shape[key].safeParse(raw[key]);
    if (r.success) {
      (cfg as Record<string, unknown>)[key] = r.data;
      return true;
    }
    for (const i of r.error.issues) {
      const keys = (i as { keys?: string[] }).keys;
      const segs = [key, ...i.path, ...(keys?.length ? [keys[0]] : [])];
      problem(segs, i.code === "unrecognized_keys" ? "unknown config key" : i.message, valueAt(raw, segs));
    }
    return false;
  };
  const ok = {
    target: parseKey("target"),
    hosts: parseKey("hosts"),
    zookeeper: parseKey("zookeeper"),
    kafka: parseKey("kafka"),
    dataDir: parseKey("dataDir"),
    serviceManager: parseKey("serviceManager"),
    docker: parseKey("docker"),
  };
  const target = ok.target ? cfg.target! : undefined;

  const hosts: PlannedHost[] =
    cfg.hosts ??
    (target === "local" && ok.hosts ? HOST_NAMES.map((name, i) => ({ name, address: LOCAL_ADDRESSES[i] })) : []);
  if (ok.hosts && target) {
    if (cfg.hosts === undefined && target !== "local") {
      problem(["hosts"], `is required for target "${target}" (three hosts: ${HOST_NAMES.join(", ")})`, undefined);
    } else if (hosts.length !== 3) {
      problem(["hosts"], "must list exactly three hosts, one per broker", hosts.map((h) => h.name));
    }
  }
  const seen = (key: "name" | "address"): void => {
    const first = new Map<string, number>();
    hosts.forEach((h, i) => {
      const prev = first.get(h[key]);
      if (prev !== undefined) problem(["hosts", i, key], `duplicates hosts[${prev}].${key}`, h[key]);
      else first.set(h[key], i);
    });
  };
  seen("name");
  seen("address");
  if (target === "local") {
    hosts.forEach((h, i) => {
      if (!/^127\./.test(h.address)) problem(["hosts", i, "address"], 'must be a loopback address (127.x.y.z) for target "local"', h.address);
    });
  }
  if (target === "ssh") {
    (cfg.hosts ?? []).forEach((h, i) => {
      if (!h.user) problem(["hosts", i, "user"], 'is required for target "ssh"', h.user);
      if (!h.privateKey) problem(["hosts", i, "privateKey"], 'is required for target "ssh" (set it with --secret)', undefined);
    });
  }

  const hostNames = hosts.map((h) => h.name);
  const zkNames = cfg.zookeeper?.nodes ?? hostNames;
  if (cfg.zookeeper && ok.hosts) {
    // With no hosts at all, that problem is already reported; do not echo it here.
    if ((cfg.zookeeper.nodes !== undefined || hosts.length > 0) && zkNames.length !== 1 && zkNames.length !== 3) {
      problem(["zookeeper", "nodes"], "must name one host (standalone) or three (an ensemble)", zkNames);
    }
    zkNames.forEach((n, i) => {
      if (!hostNames.includes(n)) problem(["zookeeper", "nodes", i], `is not one of the hosts (${hostNames.join(", ")})`, n);
      if (zkNames.indexOf(n) !== i) problem(["zookeeper", "nodes", i], "names a host twice", n);
    });
  }
  if (cfg.zookeeper) {
    const zkPorts = [cfg.zookeeper.clientPort, cfg.zookeeper.peerPort, cfg.zookeeper.electionPort];
    if (new Set(zkPorts).size !== 3) problem(["zookeeper"], "clientPort, peerPort and electionPort must differ", zkPorts);
    if (cfg.kafka && zkPorts.includes(cfg.kafka.port)) problem(["kafka", "port"], "clashes with a ZooKeeper port", cfg.kafka.port);
  }
  for (const key of Object.keys(cfg.kafka?.brokerConfig ?? {})) {
    if (RESERVED_BROKER_SETTINGS.includes(key)) {
      problem(["kafka", "brokerConfig", key], "is set by the plan and cannot be overridden", cfg.kafka!.brokerConfig[key]);
    }
  }
  if (target === "docker") {
    // Docker publishes a container's ports on an address of the machine it runs on.
    hosts.forEach((h, i) => {
      if (!ipv4.test(h.address)) problem(["hosts", i, "address"], 'must be an IPv4 address to publish ports on for target "docker"', h.address);
    });
  }
  if (target === "docker" && cfg.dataDir !== undefined) {
    problem(["dataDir"], 'is not used by target "docker": each data directory is a Docker volume', cfg.dataDir);
  }
  if (problems.length > 0 || !target || !cfg.zookeeper || !cfg.kafka) throw new ClusterConfigError(problems);

  const dataDir = cfg.dataDir ?? ctx.defaultDataDir(target);
  const { zookeeper: zkCfg, kafka } = cfg;
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const zookeeper = zkNames.map((n, i) => {
    const h = byName.get(n)!;
    return {
      id: i + 1,
      host: h.name,
      address: h.address,
      clientPort: zkCfg.clientPort,
      peerPort: zkCfg.peerPort,
      electionPort: zkCfg.electionPort,
      dataDir: target === "docker" ? DOCKER_DIRS.zookeeperData : `${dataDir}/${h.name}/zookeeper`,
    };
  });
  const brokers = hosts.map((h, i) => ({
    id: i + 1,
    host: h.name,
    address: h.address,
    port: kafka.port,
    logDir: target === "docker" ? DOCKER_DIRS.kafkaLogs : `${dataDir}/${h.name}/kafka-logs`,
  }));
  return {
    target,
    kafkaVersion: kafka.version ?? ctx.defaultKafkaVersion,
    hosts: hosts.map((h) => ({ name: h.name, address: h.address, ...(h.user ? { user: h.user } : {}), ...(h.port ? { port: h.port } : {}) })),
    zookeeper,
    zookeeperConnect: zookeeper.map((z) => `${z.address}:${z.clientPort}`).join(","),
    brokers,
    bootstrapServers: brokers.map((b) => `${b.address}:${b.port}`).join(","),
    brokerSettings: { ...kafka.brokerConfig },
    heap: kafka.heap,
    dataDir,
    distribution: kafka.distribution ?? { url: defaultDistributionUrl(kafka.version ?? ctx.defaultKafkaVersion) },
    serviceManager: cfg.serviceManager ?? "auto",
    ...(target === "docker" ? { docker: dockerPlan(cfg.docker, kafka.version ?? ctx.defaultKafkaVersion) } : {}),
  };
}

function dockerPlan(cfg: z.output<typeof configSchema>["docker"], kafkaVersion: string): DockerPlan {
  return {
    network: cfg?.network ?? "kafka-cluster",
    kafkaImage: cfg?.kafkaImage ?? DOCKER_IMAGES.kafka(kafkaVersion),
    zookeeperImage: cfg?.zookeeperImage ?? DOCKER_IMAGES.zookeeper,
    nodeImage: cfg?.nodeImage ?? DOCKER_IMAGES.node,
    restart: cfg?.restart ?? "unless-stopped",
  };
}
