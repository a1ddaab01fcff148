// Pure: validates the cluster's stack config and turns it into a ClusterPlan
// (hosts, broker ids, listeners, the ZooKeeper ensemble, directories). Every
// problem is collected and reported together, each with its config path and
// value (infra/plan-schema.ts: each key; infra/plan-checks.ts: across keys).
import { ConfigError } from "../lib/errors";
import { REDACTED, isSecretName, pathOf, redactSecrets, zodProblems, type Problem } from "../lib/problems";
import { checkBrokerConfig, checkDocker, checkHosts, checkZooKeeper } from "./plan-checks";
import { hostsOf, zookeeperHostNames, type ParsedConfig, type Report } from "./plan-checks";
import { DOCKER_DIRS, DOCKER_IMAGES, configSchema } from "./plan-schema";
import type { ClusterConfig, ClusterConfigKey, TargetKind } from "./plan-schema";

export { DOCKER_DIRS, DOCKER_IMAGES, HOST_NAMES, LOCAL_ADDRESSES, TARGETS } from "./plan-schema";
export type { ClusterConfigInput, TargetKind } from "./plan-schema";

export interface PlannedHost {
  readonly name: string;
  readonly address: string;
  readonly user?: string;
  readonly port?: number;
  /** ssh: the host's public key, the only one accepted (not a secret). */
  readonly hostKey?: string;
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
  /** Where an ssh host gets the Kafka release; only the default URL comes without a SHA-512. */
  readonly distribution: KafkaDistribution;
  readonly serviceManager: "auto" | "systemd" | "process";
  /** ssh: hosts without a hostKey are reached whatever key they show. */
  readonly insecureIgnoreHostKey: boolean;
  /** Restarts one process at a time with health gates (infra/roll/), or all at once. */
  readonly restarts: "rolling" | "all-at-once";
  /** How long each gate of a rolling restart waits (before a stop, after a start). */
  readonly rollTimeoutSeconds: number;
  /** Stack config `moveData`: a new data path moves the data (local, ssh); otherwise it is refused at preview. */
  readonly moveData: boolean;
  /** Stack config `placement`: rebalancing onto new brokers and draining removed ones (infra/placement/). */
  readonly placement: ClusterConfig["placement"];
  /** Only for the docker target. */
  readonly docker?: DockerPlan;
}

/** The release tarball a host downloads (`url`) or is sent (`file`), and the SHA-512 it checks before unpacking. */
export type KafkaDistribution =
  { readonly url: string; readonly sha512?: string } | { readonly file: string; readonly sha512: string };

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

export interface PlanContext {
  /** The config namespace used in messages. Default `kafka-cluster`. */
  readonly namespace?: string;
  /** Kafka version when config gives none. */
  readonly defaultKafkaVersion: string;
  /** Data directory when config gives none, per target. */
  readonly defaultDataDir: (target: TargetKind) => string;
  /** docker: the network (and volume-name prefix) when config gives none, per stack. Default `kafka-cluster`. */
  readonly defaultDockerNetwork?: string;
}

/** Never echo a private key (or any secret, at any depth of the value) into a message or a log. */
function masked(p: ConfigProblem): ConfigProblem {
  if (p.value === undefined) return p;
  return { ...p, value: isSecretName(p.path) ? REDACTED : redactSecrets(p.value) };
}

const KEYS = Object.keys(configSchema.shape) as ClusterConfigKey[];
/** The checks across keys, in the order their problems are listed. */
const CHECKS = [checkHosts, checkZooKeeper, checkBrokerConfig, checkDocker];

/** Each key on its own: unknown keys, then every key's schema problems. */
function parseKeys(raw: Record<string, unknown>, ns: string, problems: ConfigProblem[]): ParsedConfig {
  for (const key of Object.keys(raw)) {
    if ((KEYS as string[]).includes(key)) continue;
    problems.push({ path: pathOf(`${ns}:`, [key]), message: "unknown config key", value: raw[key] });
  }
  const cfg: Record<string, unknown> = {};
  const ok = {} as Record<ClusterConfigKey, boolean>;
  for (const key of KEYS) {
    const r = configSchema.shape[key].safeParse(raw[key]);
    ok[key] = r.success;
    if (r.success) cfg[key] = r.data;
    else {
      const issues = r.error.issues.map((i) => ({ ...i, path: [key, ...i.path] }));
      for (const p of zodProblems(`${ns}:`, raw, issues)) {
        const message = p.message === "unknown key" ? "unknown config key" : p.message;
        problems.push(masked({ ...p, message, value: p.value }));
      }
    }
  }
  const parsed = cfg as Partial<ClusterConfig>;
  return { cfg: parsed, ok, target: ok.target ? parsed.target : undefined };
}

/**
 * Validates raw stack config (an object of the project's config keys without
 * the namespace) and plans the cluster, or throws ClusterConfigError listing
 * every problem.
 */
export function planCluster(raw: Record<string, unknown>, ctx: PlanContext): ClusterPlan {
  const ns = ctx.namespace ?? "kafka-cluster";
  const problems: ConfigProblem[] = [];
  const report: Report = (segments, message, value) => {
    problems.push(masked({ path: pathOf(`${ns}:`, segments), message, value }));
  };
  const parsed = parseKeys(raw, ns, problems);
  for (const check of CHECKS) check(parsed, report);
  const { target } = parsed;
  const { zookeeper, kafka } = parsed.cfg;
  if (problems.length > 0 || !target || !zookeeper || !kafka) throw new ClusterConfigError(problems);
  return buildPlan({ ...parsed, target }, { ...parsed.cfg, zookeeper, kafka }, ctx);
}

type ValidConfig = Partial<ClusterConfig> & Pick<ClusterConfig, "zookeeper" | "kafka">;

function plannedHosts(parsed: ParsedConfig, target: TargetKind, dataDir: string) {
  const hosts = hostsOf(parsed);
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const zkCfg = parsed.cfg.zookeeper!;
  const zookeeper: PlannedZooKeeperNode[] = zookeeperHostNames(parsed).map((n, i) => {
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
  const brokers: PlannedBroker[] = hosts.map((h, i) => ({
    id: h.brokerId ?? i + 1,
    host: h.name,
    address: h.address,
    port: parsed.cfg.kafka!.port,
    logDir: target === "docker" ? DOCKER_DIRS.kafkaLogs : `${dataDir}/${h.name}/kafka-logs`,
  }));
  // The plan keeps no private key: those stay secrets (stack/config.ts).
  const planned: PlannedHost[] = hosts.map(({ name, address, user, port, hostKey }) => ({
    name,
    address,
    ...(user ? { user } : {}),
    ...(port ? { port } : {}),
    ...(hostKey ? { hostKey: hostKey.trim() } : {}),
  }));
  return { hosts: planned, zookeeper, brokers };
}

function buildPlan(parsed: ParsedConfig & { target: TargetKind }, cfg: ValidConfig, ctx: PlanContext): ClusterPlan {
  const { target } = parsed;
  const { kafka } = cfg;
  const dataDir = cfg.dataDir ?? ctx.defaultDataDir(target);
  const kafkaVersion = kafka.version ?? ctx.defaultKafkaVersion;
  const { hosts, zookeeper, brokers } = plannedHosts(parsed, target, dataDir);
  return {
    target,
    kafkaVersion,
    hosts,
    zookeeper,
    zookeeperConnect: zookeeper.map((z) => `${z.address}:${z.clientPort}`).join(","),
    brokers,
    bootstrapServers: brokers.map((b) => `${b.address}:${b.port}`).join(","),
    brokerSettings: { ...kafka.brokerConfig },
    heap: kafka.heap,
    dataDir,
    distribution: kafka.distribution ?? { url: defaultDistributionUrl(kafkaVersion) },
    serviceManager: cfg.serviceManager ?? "auto",
    moveData: cfg.moveData ?? false,
    placement: cfg.placement ?? {
      rebalance: false,
      drain: false,
      throttleBytesPerSecond: 10_485_760,
      timeoutSeconds: 600,
    },
    restarts: cfg.restarts ?? "rolling",
    rollTimeoutSeconds: cfg.rollTimeoutSeconds ?? 300,
    insecureIgnoreHostKey: cfg.insecureIgnoreHostKey === true,
    ...(target === "docker"
      ? { docker: dockerPlan(cfg.docker, kafkaVersion, ctx.defaultDockerNetwork ?? "kafka-cluster") }
      : {}),
  };
}

/**
 * What preview warns about in a valid plan: an ssh stack on the default
 * distribution installs a tarball nobody pinned, and hosts without a pinned
 * key accept any (docs/targets.md).
 */
export function planWarnings(plan: ClusterPlan, namespace = "kafka-cluster"): string[] {
  if (plan.target !== "ssh") return [];
  const unpinned = plan.hosts.filter((h) => !h.hostKey).map((h) => h.name);
  return [
    ...(plan.insecureIgnoreHostKey && unpinned.length > 0
      ? [
          `${namespace}:insecureIgnoreHostKey: ${unpinned.join(", ")} ${unpinned.length === 1 ? "has" : "have"} no ` +
            "hostKey and will be reached whatever key answers: a man in the middle gets the configs and the release; " +
            `pin each with ${namespace}:hosts[].hostKey (ssh-keyscan)`,
        ]
      : []),
    ...distributionWarnings(plan, namespace),
  ];
}

function distributionWarnings(plan: ClusterPlan, namespace: string): string[] {
  if ("file" in plan.distribution || plan.distribution.sha512 !== undefined) return [];
  return [
    `${namespace}:kafka.distribution: the default ${plan.distribution.url} is not checksummed; pin it with ` +
      `{ url: "${plan.distribution.url}", sha512: "<128 hex digits>" } (the SHA-512 Apache publishes next to it, ` +
      `in ${plan.distribution.url}.sha512), and each host checks the tarball before unpacking it`,
  ];
}

function dockerPlan(cfg: ClusterConfig["docker"], kafkaVersion: string, defaultNetwork: string): DockerPlan {
  return {
    network: cfg?.network ?? defaultNetwork,
    kafkaImage: cfg?.kafkaImage ?? DOCKER_IMAGES.kafka(kafkaVersion),
    zookeeperImage: cfg?.zookeeperImage ?? DOCKER_IMAGES.zookeeper,
    nodeImage: cfg?.nodeImage ?? DOCKER_IMAGES.node,
    restart: cfg?.restart ?? "unless-stopped",
  };
}
