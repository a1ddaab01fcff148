// Pure rendering of the files and commands a ZooKeeper node or Kafka broker
// runs with. No I/O: every target (and the test harness) consumes these.

export type PropertyValue = string | number | boolean;

/**
 * Broker settings a careful operator chooses for replication factor 3: no
 * topic is created by accident, no out-of-sync replica becomes leader, and a
 * write with acks=all needs two in-sync copies.
 */
export const SAFE_BROKER_SETTINGS: Readonly<Record<string, PropertyValue>> = {
  "default.replication.factor": 3,
  "min.insync.replicas": 2,
  "offsets.topic.replication.factor": 3,
  "transaction.state.log.replication.factor": 3,
  "transaction.state.log.min.isr": 2,
  "unclean.leader.election.enable": false,
  "auto.create.topics.enable": false,
  "controlled.shutdown.enable": true,
};

export interface BrokerFileSpec {
  /** broker.id */
  readonly id: number;
  /** The address the broker listens on and advertises. */
  readonly host: string;
  readonly port: number;
  /** ZooKeeper connection string, e.g. `127.0.10.1:2181`. */
  readonly zookeeperConnect: string;
  /** The broker's log (data) directory. */
  readonly logDir: string;
  /** Extra settings; they override SAFE_BROKER_SETTINGS. */
  readonly settings?: Readonly<Record<string, PropertyValue>>;
  /**
   * A second listener, EXTERNAL, for clients outside a private network (the
   * docker target's published ports): bound to `bind`, advertised as
   * `advertised`. Brokers keep talking to each other on PLAINTEXT.
   */
  readonly external?: { readonly bind: HostPort; readonly advertised: HostPort };
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface ZooKeeperServer {
  /** myid */
  readonly id: number;
  readonly host: string;
  /** Quorum port (2888 by convention). */
  readonly peerPort: number;
  /** Leader election port (3888 by convention). */
  readonly electionPort: number;
}

export interface ZooKeeperFileSpec {
  readonly dataDir: string;
  readonly clientAddress: string;
  readonly clientPort: number;
  /** The ensemble; empty or one entry means standalone. */
  readonly servers?: readonly ZooKeeperServer[];
}

/**
 * Refuses a control character (U+0000-U+001F, U+007F) in anything written to
 * a file or a command line: one could end a line and start a setting or a
 * directive of its own. The plan refuses them in config already; this is the
 * last line of defence. Kept here, not imported: providers Pulumi serializes
 * (RemoteProcess) call these renderers.
 */
export function assertNoControlCharacters(what: string, text: string): void {
  // eslint-disable-next-line no-control-regex -- these code points are what is refused
  const at = text.search(/[\x00-\x1f\x7f]/);
  if (at < 0) return;
  const code = `U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, "0")}`;
  // The text itself is not echoed: it may be a secret's value.
  throw new Error(`${what} holds a control character (${code} at index ${at}); refusing to write it`);
}

/**
 * Characters java.util.Properties cannot read back as written: it reads a
 * file as ISO-8859-1 (Kafka's and ZooKeeper's loaders pass it a stream), so
 * anything past ASCII is written as \uXXXX, as Properties.store writes it.
 */
const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** Escapes a value for a java.util.Properties file: backslashes, a leading space, non-ASCII. */
function escapeValue(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/^ /, "\\ ")
    .replace(/[^\x20-\x7e]/g, unicodeEscape);
}

/** Escapes a key: also every separator (`=`, `:`, space) and comment mark in it. */
function escapeKey(key: string): string {
  return key.replace(/([\\:= #!])/g, "\\$1").replace(/[^\x20-\x7e]/g, unicodeEscape);
}

/** Renders `key=value` lines in the given order, with a comment header; a control character anywhere is refused. */
export function renderProperties(header: string, entries: ReadonlyArray<readonly [string, PropertyValue]>): string {
  assertNoControlCharacters("properties header", header);
  const lines = [`# ${header}`];
  for (const [key, value] of entries) {
    assertNoControlCharacters(`property key ${JSON.stringify(key)}`, key);
    assertNoControlCharacters(`value of property ${key}`, String(value));
    lines.push(`${escapeKey(key)}=${escapeValue(String(value))}`);
  }
  return `${lines.join("\n")}\n`;
}

/** server.properties: identity and listeners first, then settings sorted by key. */
export function renderServerProperties(spec: BrokerFileSpec): string {
  const listener = `PLAINTEXT://${spec.host}:${spec.port}`;
  const ext = spec.external;
  const listeners: Array<[string, PropertyValue]> = ext
    ? [
        ["listeners", `${listener},EXTERNAL://${ext.bind.host}:${ext.bind.port}`],
        ["advertised.listeners", `${listener},EXTERNAL://${ext.advertised.host}:${ext.advertised.port}`],
        ["listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT"],
      ]
    : [
        ["listeners", listener],
        ["advertised.listeners", listener],
      ];
  const identity: Array<[string, PropertyValue]> = [
    ["broker.id", spec.id],
    ...listeners,
    ["log.dirs", spec.logDir],
    ["zookeeper.connect", spec.zookeeperConnect],
  ];
  const fixed = new Set(identity.map(([k]) => k));
  const settings = { ...SAFE_BROKER_SETTINGS, ...(spec.settings ?? {}) };
  const rest = Object.keys(settings)
    .filter((k) => !fixed.has(k))
    .sort()
    .map((k): [string, PropertyValue] => [k, settings[k]]);
  return renderProperties(`Kafka broker ${spec.id}, generated by kafka-cluster; edits are overwritten.`, [
    ...identity,
    ...rest,
  ]);
}

/** zoo.cfg for a standalone node or an ensemble member. */
export function renderZooCfg(spec: ZooKeeperFileSpec): string {
  const entries: Array<[string, PropertyValue]> = [
    ["tickTime", 2000],
    ["initLimit", 10],
    ["syncLimit", 5],
    ["dataDir", spec.dataDir],
    ["clientPortAddress", spec.clientAddress],
    ["clientPort", spec.clientPort],
    ["maxClientCnxns", 0],
    // The admin server listens on 8080 by default, where the consumer service goes.
    ["admin.enableServer", false],
    ["4lw.commands.whitelist", "ruok,srvr,stat,mntr"],
    ["autopurge.snapRetainCount", 3],
    ["autopurge.purgeInterval", 24],
  ];
  const servers = spec.servers ?? [];
  if (servers.length > 1) {
    for (const s of servers) entries.push([`server.${s.id}`, `${s.host}:${s.peerPort}:${s.electionPort}`]);
  }
  return renderProperties("ZooKeeper, generated by kafka-cluster; edits are overwritten.", entries);
}

/** log4j (reload4j) configuration: everything to one rolling file. */
export function renderLog4j(logFile: string): string {
  return renderProperties("Logging, generated by kafka-cluster.", [
    ["log4j.rootLogger", "INFO, file"],
    ["log4j.appender.file", "org.apache.log4j.RollingFileAppender"],
    ["log4j.appender.file.File", logFile],
    ["log4j.appender.file.MaxFileSize", "20MB"],
    ["log4j.appender.file.MaxBackupIndex", 2],
    ["log4j.appender.file.layout", "org.apache.log4j.PatternLayout"],
    ["log4j.appender.file.layout.ConversionPattern", "[%d] %p %m (%c)%n"],
    ["log4j.logger.kafka.request.logger", "WARN"],
    ["log4j.logger.kafka.controller", "INFO"],
    ["log4j.logger.state.change.logger", "INFO"],
    ["log4j.logger.org.apache.zookeeper", "WARN"],
  ]);
}

export type JavaRole = "zookeeper" | "kafka";

export interface JavaCommandSpec {
  readonly role: JavaRole;
  /** The directory of jars from scripts/setup.sh. */
  readonly libsDir: string;
  /** zoo.cfg or server.properties. */
  readonly configFile: string;
  readonly log4jFile: string;
  /** Maximum heap, e.g. "512m". */
  readonly heap: string;
  /**
   * Start fast rather than run fast (C1 only): right for short-lived test
   * clusters, wrong for throughput. Default false.
   */
  readonly fastStart?: boolean;
}

/** The java command line for a ZooKeeper node or a broker. */
export function renderJavaCommand(spec: JavaCommandSpec): { command: string; args: string[] } {
  const mainClass = ((): string => {
    switch (spec.role) {
      case "zookeeper":
        return "org.apache.zookeeper.server.quorum.QuorumPeerMain";
      case "kafka":
        return "kafka.Kafka";
      default: {
        const never: never = spec.role;
        throw new Error(`unknown role ${String(never)}`);
      }
    }
  })();
  const args = [
    `-Xms${spec.role === "kafka" ? "256m" : "64m"}`,
    `-Xmx${spec.heap}`,
    "-XX:+UseSerialGC",
    ...(spec.fastStart ? ["-XX:TieredStopAtLevel=1"] : []),
    "-XX:+PerfDisableSharedMem",
    "-Djava.awt.headless=true",
    `-Dlog4j.configuration=file:${spec.log4jFile}`,
    "-cp",
    `${spec.libsDir}/*`,
    mainClass,
    spec.configFile,
  ];
  args.forEach((a, i) => assertNoControlCharacters(`java argument ${i}`, a));
  return { command: "java", args };
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes a word for a systemd ExecStart= line. */
function systemdQuote(word: string): string {
  const escaped = word.replace(/%/g, "%%");
  return /[\s"'\\;]/.test(escaped) || escaped === ""
    ? `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`
    : escaped;
}

export interface ServiceUnitSpec {
  readonly description: string;
  /** The user the service runs as. */
  readonly user: string;
  readonly workDir: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Units that must be up first (e.g. the local ZooKeeper for a broker). */
  readonly after?: readonly string[];
}

/**
 * A systemd unit that restarts the process on failure. The stop timeout
 * leaves a broker time for a controlled shutdown; Java exits 143 on SIGTERM.
 */
export function renderSystemdUnit(spec: ServiceUnitSpec): string {
  const fields: Array<[string, string]> = [
    ["Description", spec.description],
    ["User", spec.user],
    ["WorkingDirectory", spec.workDir],
    ["command", spec.command],
    ...spec.args.map((a, i): [string, string] => [`argument ${i}`, a]),
    ...(spec.after ?? []).map((a): [string, string] => ["After", a]),
  ];
  for (const [name, value] of fields) assertNoControlCharacters(`systemd unit ${name}`, value);
  const after = ["network-online.target", ...(spec.after ?? [])].join(" ");
  return [
    "# Generated by kafka-cluster; edits are overwritten.",
    "[Unit]",
    `Description=${spec.description}`,
    "Wants=network-online.target",
    `After=${after}`,
    "",
    "[Service]",
    "Type=simple",
    `User=${spec.user}`,
    `WorkingDirectory=${spec.workDir}`,
    `ExecStart=${[spec.command, ...spec.args].map(systemdQuote).join(" ")}`,
    "Restart=on-failure",
    "RestartSec=5",
    "TimeoutStopSec=120",
    "SuccessExitStatus=143",
    "LimitNOFILE=100000",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** KEY=value lines for `node --env-file`, values JSON-quoted. */
export function renderEnvFile(env: Readonly<Record<string, string>>, description: string): string {
  assertNoControlCharacters("env file description", description);
  for (const [k, v] of Object.entries(env)) {
    assertNoControlCharacters(`env file key ${JSON.stringify(k)}`, k);
    assertNoControlCharacters(`env file value of ${k}`, v);
  }
  const lines = Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `# ${description} settings, generated by kafka-cluster; edits are overwritten.\n${lines.join("\n")}\n`;
}

/** Node.js arguments that run `script` with settings from `envFile`; the script comes last (it identifies the process). */
export function renderNodeArgs(flags: readonly string[], envFile: string, script: string): string[] {
  return [...flags, `--env-file=${envFile}`, script];
}
