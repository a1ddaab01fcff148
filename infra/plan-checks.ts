// Pure: the checks across the cluster's config keys (host count and
// uniqueness, what each target needs, the ZooKeeper ensemble, ports, reserved
// broker settings). Each runs where its keys parsed, so one bad value does not
// hide the problems of the others.
import {
  HOST_NAMES,
  LOCAL_ADDRESSES,
  RESERVED_BROKER_SETTINGS,
  ipv4,
  type ClusterConfig,
  type ClusterConfigKey,
  type TargetKind,
} from "./plan-schema";

/** Records a problem at a path of config segments, e.g. ["hosts", 1, "address"]. */
export type Report = (segments: ReadonlyArray<PropertyKey>, message: string, value: unknown) => void;

/** The keys that parsed, and which did. */
export interface ParsedConfig {
  readonly cfg: Partial<ClusterConfig>;
  readonly ok: Readonly<Record<ClusterConfigKey, boolean>>;
  /** Undefined when `target` did not parse. */
  readonly target: TargetKind | undefined;
}

export type ConfigHost = NonNullable<ClusterConfig["hosts"]>[number];

/** The hosts config lists, or the local target's defaults. */
export function hostsOf({ cfg, ok, target }: ParsedConfig): readonly ConfigHost[] {
  if (cfg.hosts) return cfg.hosts;
  return target === "local" && ok.hosts ? HOST_NAMES.map((name, i) => ({ name, address: LOCAL_ADDRESSES[i] })) : [];
}

/** The hosts that run ZooKeeper: those config names, or the first three hosts. */
export function zookeeperHostNames(parsed: ParsedConfig): readonly string[] {
  return (
    parsed.cfg.zookeeper?.nodes ??
    hostsOf(parsed)
      .map((h) => h.name)
      .slice(0, 3)
  );
}

function checkHostCount({ cfg, ok, target }: ParsedConfig, hosts: readonly ConfigHost[], report: Report): void {
  if (!ok.hosts || !target) return;
  if (cfg.hosts === undefined && target !== "local") {
    report(["hosts"], `is required for target "${target}" (three hosts: ${HOST_NAMES.join(", ")})`, undefined);
  } else if (hosts.length < 3) {
    report(
      ["hosts"],
      "must list at least three hosts, one per broker (replication factor 3)",
      hosts.map((h) => h.name),
    );
  }
  const firstWithId = new Map<number, number>();
  hosts.forEach((h, i) => {
    const id = h.brokerId ?? i + 1;
    const prev = firstWithId.get(id);
    if (prev === undefined) firstWithId.set(id, i);
    else
      report(
        ["hosts", i, "brokerId"],
        `${id} is also the broker id of hosts[${prev}] (ids default to the place in the list, from 1)`,
        h.brokerId,
      );
  });
}

function checkUnique(hosts: readonly ConfigHost[], key: "name" | "address", report: Report): void {
  const first = new Map<string, number>();
  hosts.forEach((h, i) => {
    const prev = first.get(h[key]);
    if (prev !== undefined) report(["hosts", i, key], `duplicates hosts[${prev}].${key}`, h[key]);
    else first.set(h[key], i);
  });
}

/** Three or more distinct hosts with distinct broker ids, with what the target needs of each. */
export function checkHosts(parsed: ParsedConfig, report: Report): void {
  const hosts = hostsOf(parsed);
  checkHostCount(parsed, hosts, report);
  checkUnique(hosts, "name", report);
  checkUnique(hosts, "address", report);
  if (parsed.target === "local") {
    hosts.forEach((h, i) => {
      if (/^127\./.test(h.address)) return;
      report(["hosts", i, "address"], 'must be a loopback address (127.x.y.z) for target "local"', h.address);
    });
  }
  if (parsed.target === "ssh") {
    (parsed.cfg.hosts ?? []).forEach((h, i) => {
      if (!h.user) report(["hosts", i, "user"], 'is required for target "ssh"', h.user);
      if (!h.privateKey) {
        report(["hosts", i, "privateKey"], 'is required for target "ssh" (set it with --secret)', undefined);
      }
      if (!h.hostKey && parsed.ok.insecureIgnoreHostKey && parsed.cfg.insecureIgnoreHostKey !== true) {
        report(
          ["hosts", i, "hostKey"],
          `is required for target "ssh": the host's public key, "<type> <base64>" (ssh-keyscan -t ed25519 ${h.address}, ` +
            "without the host name it writes first), or set kafka-cluster:insecureIgnoreHostKey: true to accept any",
          undefined,
        );
      }
    });
  }
}

/** One ZooKeeper node or three, on distinct hosts of the stack, on three distinct ports that Kafka does not use. */
export function checkZooKeeper(parsed: ParsedConfig, report: Report): void {
  const { cfg, ok } = parsed;
  if (!cfg.zookeeper) return;
  const hostNames = hostsOf(parsed).map((h) => h.name);
  const zkNames = zookeeperHostNames(parsed);
  if (ok.hosts) {
    // With no hosts at all, that problem is already reported; do not echo it here.
    if ((cfg.zookeeper.nodes !== undefined || hostNames.length > 0) && zkNames.length !== 1 && zkNames.length !== 3) {
      report(["zookeeper", "nodes"], "must name one host (standalone) or three (an ensemble)", zkNames);
    }
    zkNames.forEach((n, i) => {
      if (!hostNames.includes(n)) {
        report(["zookeeper", "nodes", i], `is not one of the hosts (${hostNames.join(", ")})`, n);
      }
      if (zkNames.indexOf(n) !== i) report(["zookeeper", "nodes", i], "names a host twice", n);
    });
  }
  const zkPorts = [cfg.zookeeper.clientPort, cfg.zookeeper.peerPort, cfg.zookeeper.electionPort];
  if (new Set(zkPorts).size !== 3) report(["zookeeper"], "clientPort, peerPort and electionPort must differ", zkPorts);
  if (cfg.kafka && zkPorts.includes(cfg.kafka.port)) {
    report(["kafka", "port"], "clashes with a ZooKeeper port", cfg.kafka.port);
  }
}

/** The plan sets the brokers' identity, listeners and directories itself. */
export function checkBrokerConfig({ cfg }: ParsedConfig, report: Report): void {
  const brokerConfig = cfg.kafka?.brokerConfig ?? {};
  for (const key of Object.keys(brokerConfig)) {
    if (!RESERVED_BROKER_SETTINGS.includes(key)) continue;
    report(["kafka", "brokerConfig", key], "is set by the plan and cannot be overridden", brokerConfig[key]);
  }
}

/** Docker publishes a container's ports on an address of the machine it runs on, and keeps data on volumes. */
export function checkDocker(parsed: ParsedConfig, report: Report): void {
  if (parsed.target !== "docker") return;
  hostsOf(parsed).forEach((h, i) => {
    if (ipv4.test(h.address)) return;
    report(["hosts", i, "address"], 'must be an IPv4 address to publish ports on for target "docker"', h.address);
  });
  if (parsed.cfg.dataDir !== undefined) {
    report(["dataDir"], 'is not used by target "docker": each data directory is a Docker volume', parsed.cfg.dataDir);
  }
}
