// Pure: the topology summary of a `pulumi preview --json` output, in
// Markdown: hosts, ZooKeeper ensemble, brokers and topics after the change,
// and every change classified destructive (data loss), disruptive (a
// restart) or safe, destructive first.
import { fileNamed, isProcess, labelOf, propertiesValue, roleOf, TYPES, urnParts, type Role } from "./resources";

/** The parts of `pulumi preview --json` the summary reads. */
export interface PreviewJson {
  readonly steps?: readonly PreviewStep[];
  readonly diagnostics?: ReadonlyArray<{ readonly urn?: string; readonly message: string; readonly severity: string }>;
  readonly changeSummary?: Readonly<Record<string, number>>;
}

export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: ResourceState;
  readonly newState?: ResourceState;
}

interface ResourceState {
  readonly type?: string;
  /** False for components. */
  readonly custom?: boolean;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
}

export const IMPACTS = ["destructive", "disruptive", "safe"] as const;
export type Impact = (typeof IMPACTS)[number];

export interface Change {
  readonly impact: Impact;
  /** e.g. `topic Hello-Kafka`, `broker 1 (hadoop-nn)`. */
  readonly resource: string;
  /** Pulumi's operation: create, update, replace, delete. */
  readonly op: string;
  readonly what: string;
}

export interface TopicRow {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface Topology {
  readonly hosts: ReadonlyArray<{ readonly name: string; readonly address: string; readonly runs: string[] }>;
  readonly zookeeper: ReadonlyArray<{ readonly id: number; readonly host: string; readonly address: string; readonly clientPort: number }>;
  readonly brokers: ReadonlyArray<{ readonly id: number; readonly host: string; readonly address: string; readonly port: number }>;
  readonly topics: readonly TopicRow[];
}

export interface PreviewSummary {
  /** False when the preview failed; `errors` says why. */
  readonly ok: boolean;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Destructive first, then disruptive, then safe; each in the preview's order. */
  readonly changes: readonly Change[];
  readonly topology: Topology;
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);
const IGNORED_OPS = new Set(["same", "read", "refresh", "remove-pending-replace"]);

type Props = Readonly<Record<string, unknown>>;
/** How a preview shows a value that is known only during the update. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const inputsOf = (s: ResourceState | undefined): Props | undefined => s?.inputs ?? s?.outputs;

function topicRow(p: Props): TopicRow {
  return {
    name: String(p.name),
    partitions: Number(p.partitions),
    replicationFactor: Number(p.replicationFactor),
    config: (p.config as Record<string, string> | undefined) ?? {},
  };
}

const quote = (s: string): string => `\`${s}\``;
const formatConfig = (c: Readonly<Record<string, string>>): string =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

/** What changes between two declarations of a topic, in words. */
function topicDelta(a: TopicRow, b: TopicRow, olds: Props, news: Props): string[] {
  const parts: string[] = [];
  if (a.partitions !== b.partitions) parts.push(`partitions ${a.partitions} → ${b.partitions}`);
  if (a.replicationFactor !== b.replicationFactor) {
    parts.push(`replication factor ${a.replicationFactor} → ${b.replicationFactor} (replica reassignment)`);
  }
  for (const k of new Set([...Object.keys(a.config), ...Object.keys(b.config)])) {
    if (!(k in b.config)) parts.push(`${k} ${a.config[k]} → cluster default`);
    else if (!(k in a.config)) parts.push(`${k}=${b.config[k]} (new)`);
    else if (a.config[k] !== b.config[k]) parts.push(`${k} ${a.config[k]} → ${b.config[k]}`);
  }
  if (news.bootstrapServers === UNKNOWN) parts.push("re-checked once the cluster is ready again (the topic itself is unchanged)");
  else if (olds.bootstrapServers !== news.bootstrapServers) parts.push(`cluster address ${String(news.bootstrapServers)}`);
  if (JSON.stringify(olds.policyExemption) !== JSON.stringify(news.policyExemption) || olds.allowDataLoss !== news.allowDataLoss) {
    parts.push("policy settings only");
  }
  return parts;
}

function topicChange(op: string, name: string, olds: Props | undefined, news: Props | undefined): Change {
  const resource = `topic ${quote(name)}`;
  const a = olds && topicRow(olds);
  const b = news && topicRow(news);
  switch (op) {
    case "create":
      return {
        impact: "safe",
        resource,
        op,
        what: `${news?.adopt ? "adopted as it is" : "created"}: ${b!.partitions} partitions, replication factor ${b!.replicationFactor}${
          Object.keys(b!.config).length ? `, ${formatConfig(b!.config)}` : ""
        }`,
      };
    case "update":
      return { impact: "safe", resource, op, what: `in place: ${topicDelta(a!, b!, olds!, news!).join("; ") || "inputs only"}` };
    case "delete":
      return { impact: "destructive", resource, op, what: `deleted with its data (${a?.partitions ?? "?"} partitions)` };
    default: {
      const from = a?.name ?? name;
      const to = b?.name ?? name;
      const rest = a && b ? topicDelta({ ...a, name: to }, b, olds!, news!) : [];
      return {
        impact: "destructive",
        resource,
        op,
        what:
          from !== to
            ? `renamed ${quote(from)} → ${quote(to)}: replaced, ${quote(from)} is deleted with its data and ${quote(to)} created empty${rest.length ? ` (${rest.join("; ")})` : ""}`
            : `replaced: deleted with its data and created empty`,
      };
    }
  }
}

/** Keys of a properties file (server.properties, zoo.cfg) that differ, in words. */
function propertiesDelta(before: string | undefined, after: string | undefined): string[] {
  if (before === undefined || after === undefined) return [];
  const parse = (t: string): Map<string, string> => {
    const m = new Map<string, string>();
    for (const line of t.split("\n")) {
      const kv = /^\s*([^#!=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
      if (kv) m.set(kv[1], kv[2]);
    }
    return m;
  };
  const a = parse(before);
  const b = parse(after);
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (!b.has(k)) out.push(`${k} removed`);
    else if (!a.has(k)) out.push(`${k}=${b.get(k)} (new)`);
    else if (a.get(k) !== b.get(k)) out.push(`${k} ${a.get(k)} → ${b.get(k)}`);
  }
  return out;
}

/** Input keys that differ, for processes whose config file says nothing. */
function changedKeys(olds: Props | undefined, news: Props | undefined): string[] {
  if (!olds || !news) return [];
  return Object.keys({ ...olds, ...news }).filter((k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
}

/** The host a process runs on: the first word of its label. */
const hostOf = (p: Props | undefined): string | undefined => labelOf(p)?.split(" ")[0];

function processName(role: Role, p: Props | undefined, name: string): string {
  const host = hostOf(p);
  const on = host ? ` (${host})` : "";
  if (role.kind === "broker") return `broker ${role.id}${on}`;
  if (role.kind === "zookeeper") return `ZooKeeper ${role.id}${on}`;
  return labelOf(p) ?? name;
}

function processChange(op: string, role: Role, type: string, name: string, olds: Props | undefined, news: Props | undefined): Change {
  const resource = processName(role, news ?? olds, name);
  const config = role.kind === "broker" ? "server.properties" : role.kind === "zookeeper" ? "zoo.cfg" : undefined;
  const core = role.kind === "broker" || role.kind === "zookeeper";
  const dirs = (Array.isArray(olds?.dirs) ? (olds!.dirs as string[]) : []).join(", ");
  // A docker container keeps its data on a volume, a resource of its own (a row of its own when it changes).
  const onVolume = core && type === TYPES.dockerContainer;
  const delta = config ? propertiesDelta(fileNamed(olds, config), fileNamed(news, config)) : [];
  const keys = changedKeys(olds, news).join(", ") || "inputs";
  switch (op) {
    case "create":
      return { impact: "safe", resource, op, what: "starts" };
    case "update":
      return { impact: "disruptive", resource, op, what: `restarts (${delta.length ? `${config}: ${delta.join("; ")}` : `changed: ${keys}`})` };
    case "delete":
      if (onVolume) return { impact: "disruptive", resource, op, what: "stopped (its data stays on its volume)" };
      return core
        ? { impact: "destructive", resource, op, what: `stopped and its data removed${dirs ? ` (${dirs})` : ""}` }
        : { impact: "disruptive", resource, op, what: "stopped" };
    default:
      if (onVolume) {
        const why = delta.length ? `${config}: ${delta.join("; ")}` : `${keys} changed`;
        return { impact: "disruptive", resource, op, what: `replaced: stopped and started again on its data volume (${why})` };
      }
      return core
        ? {
            impact: "destructive",
            resource,
            op,
            what: `replaced (${keys} changed): stopped, its data removed${dirs ? ` (${dirs})` : ""}, started empty`,
          }
        : { impact: "disruptive", resource, op, what: `replaced: stopped and started again (${keys} changed)` };
  }
}

function classify(step: PreviewStep, op: string): Change | undefined {
  const { type, name } = urnParts(step.urn);
  const olds = inputsOf(step.oldState);
  const news = op === "delete" ? undefined : inputsOf(step.newState);
  // Components (the stack, KafkaCluster, ...) change nothing themselves: their children say what changes.
  if (type === TYPES.stack || (step.newState ?? step.oldState)?.custom === false) return undefined;
  const role = roleOf(type, name);
  switch (role.kind) {
    case "topic":
      return topicChange(op, String((olds ?? news)?.name ?? name), olds, news);
    case "broker":
    case "zookeeper":
      return processChange(op, role, type, name, olds, news);
    case "install":
      return op === "create"
        ? { impact: "safe", resource: name, op, what: "installed" }
        : { impact: "disruptive", resource: name, op, what: `Kafka release ${op === "delete" ? "removed" : "reinstalled"}; the host's processes restart` };
    case "other":
      if (isProcess(type)) return processChange(op, role, type, name, olds, news);
      if (type === TYPES.dockerVolume) {
        const resource = `volume ${quote(String((news ?? olds)?.name ?? name))}`;
        if (op === "delete") return { impact: "destructive", resource, op, what: "removed with its data" };
        if (op === "replace") return { impact: "destructive", resource, op, what: "replaced: removed with its data, created empty" };
        return { impact: "safe", resource, op, what: op === "create" ? "created" : op };
      }
      if (type === TYPES.clusterReady) {
        const what = op === "delete" ? "removed" : `waits for every broker and a controller${op === "create" ? "" : " again"}`;
        return { impact: "safe", resource: "cluster readiness check", op, what };
      }
      return { impact: op === "create" || op === "update" ? "safe" : "disruptive", resource: `${type.split(":").pop()} ${quote(name)}`, op, what: op };
    default: {
      const never: never = role;
      throw new Error(`unknown role ${JSON.stringify(never)}`);
    }
  }
}

/** Where a docker container is reached from the Docker host: its first published port. */
function published(p: Props): { address: string; port: number } | undefined {
  const port = (Array.isArray(p.ports) ? p.ports[0] : undefined) as { ip?: unknown; external?: unknown } | undefined;
  return typeof port?.ip === "string" && typeof port.external === "number" ? { address: port.ip, port: port.external } : undefined;
}

function topology(steps: readonly PreviewStep[]): Topology {
  const hosts = new Map<string, { name: string; address: string; runs: string[] }>();
  const onHost = (host: string, address: string, what: string): void => {
    const h = hosts.get(host) ?? { name: host, address, runs: [] };
    h.runs.push(what);
    hosts.set(host, h);
  };
  const zookeeper: Array<Topology["zookeeper"][number]> = [];
  const brokers: Array<Topology["brokers"][number]> = [];
  const topics: TopicRow[] = [];
  for (const step of steps) {
    if (step.op === "delete" || step.op === "delete-replaced" || step.op === "discard-replaced") continue;
    const { type, name } = urnParts(step.urn);
    // A "same" step's new state carries no inputs: they are the old ones.
    const p = inputsOf(step.newState) ?? (step.op === "same" ? inputsOf(step.oldState) : undefined);
    if (!p) continue;
    const role = roleOf(type, name);
    const host = hostOf(p) ?? "?";
    const at = published(p);
    if (role.kind === "topic") topics.push(topicRow(p));
    else if (role.kind === "broker") {
      const listener = /^[A-Z_]+:\/\/(.*):(\d+)$/.exec(propertiesValue(fileNamed(p, "server.properties") ?? "", "listeners") ?? "");
      const address = at?.address ?? listener?.[1] ?? "?";
      brokers.push({ id: role.id, host, address, port: at?.port ?? Number(listener?.[2] ?? NaN) });
      onHost(host, address, `broker ${role.id}`);
    } else if (role.kind === "zookeeper") {
      const cfg = fileNamed(p, "zoo.cfg") ?? "";
      const address = at?.address ?? propertiesValue(cfg, "clientPortAddress") ?? "?";
      zookeeper.push({ id: role.id, host, address, clientPort: at?.port ?? Number(propertiesValue(cfg, "clientPort") ?? NaN) });
      onHost(host, address, `ZooKeeper ${role.id}`);
    }
  }
  const byId = <T extends { id: number }>(xs: T[]): T[] => [...xs].sort((a, b) => a.id - b.id);
  // Replacements appear twice (create-replacement, replace): keep one row each.
  const uniqueTopics = [...new Map(topics.map((t) => [t.name, t])).values()].sort((a, b) => a.name.localeCompare(b.name));
  const firstId = (h: { runs: string[] }): number => Math.min(...h.runs.map((r) => Number(/\d+$/.exec(r)?.[0] ?? Infinity)));
  return {
    hosts: [...hosts.values()].map((h) => ({ ...h, runs: [...new Set(h.runs)].sort() })).sort((a, b) => firstId(a) - firstId(b) || a.name.localeCompare(b.name)),
    zookeeper: byId([...new Map(zookeeper.map((z) => [z.id, z])).values()]),
    brokers: byId([...new Map(brokers.map((b) => [b.id, b])).values()]),
    topics: uniqueTopics,
  };
}

const clean = (message: string): string => message.replace(/^error: /, "").trim();

export function summarize(preview: PreviewJson): PreviewSummary {
  const steps = preview.steps ?? [];
  const seen = new Set<string>();
  const changes: Change[] = [];
  for (const step of steps) {
    if (IGNORED_OPS.has(step.op)) continue;
    const op = REPLACE_OPS.has(step.op) ? "replace" : step.op;
    const key = `${op} ${step.urn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const change = classify(step, op);
    if (change) changes.push(change);
  }
  const diagnostics = preview.diagnostics ?? [];
  const errors = [...new Set(diagnostics.filter((d) => d.severity === "error").map((d) => clean(d.message)))];
  // "preview failed" only repeats the others; keep it when it is all there is (e.g. a policy violation).
  const specific = errors.filter((e) => e !== "preview failed");
  return {
    ok: errors.length === 0,
    errors: specific.length ? specific : errors,
    warnings: [...new Set(diagnostics.filter((d) => d.severity === "warning").map((d) => clean(d.message).replace(/^warning: /, "")))],
    // Steps run in parallel, so their order varies: sort within each impact.
    changes: IMPACTS.flatMap((impact) =>
      changes.filter((c) => c.impact === impact).sort((a, b) => a.resource.localeCompare(b.resource, "en", { numeric: true })),
    ),
    topology: topology(steps),
  };
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (head: string[], rows: string[][]): string[] => [
  `| ${head.join(" | ")} |`,
  `|${head.map(() => "---").join("|")}|`,
  ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
];

const IMPACT_LABEL: Record<Impact, string> = {
  destructive: "**destructive** (data loss)",
  disruptive: "**disruptive** (restart)",
  safe: "safe",
};

export function renderMarkdown(summary: PreviewSummary, opts: { stack: string }): string {
  const count = (i: Impact): number => summary.changes.filter((c) => c.impact === i).length;
  const headline = summary.changes.length
    ? IMPACTS.filter((i) => count(i) > 0)
        .map((i) => `${count(i)} ${i}`)
        .join(", ")
    : "no changes";
  const out: string[] = [`## Preview of stack \`${opts.stack}\`: ${summary.ok ? headline : "failed"}`, ""];
  if (!summary.ok) {
    out.push("### Preview failed", "", "Nothing was changed. Pulumi's own output (before this summary, or its pull-request comment) has the details: policy violations, refused changes.", "");
    for (const e of summary.errors) out.push(`- ${e.split("\n").join("\n  ")}`);
    out.push("");
  }
  if (summary.warnings.length) {
    out.push("### Warnings", "", ...summary.warnings.map((w) => `- ${w}`), "");
  }
  out.push("### Changes, destructive first", "");
  if (summary.changes.length === 0) out.push(summary.ok ? "No changes." : "None planned before the failure.");
  else out.push(...table(["impact", "resource", "change"], summary.changes.map((c) => [IMPACT_LABEL[c.impact], c.resource, c.what])));
  const t = summary.topology;
  out.push("", "### Topology after the change", "");
  if (t.hosts.length) out.push(...table(["host", "address", "runs"], t.hosts.map((h) => [h.name, h.address, h.runs.join(", ")])), "");
  out.push(
    t.zookeeper.length
      ? `ZooKeeper ensemble (${t.zookeeper.length} node${t.zookeeper.length === 1 ? "" : "s"}): ${t.zookeeper.map((z) => `${z.id}: ${z.host} ${z.address}:${z.clientPort}`).join(", ")}`
      : "ZooKeeper ensemble: none in this preview",
    "",
    t.brokers.length
      ? `Brokers (${t.brokers.length}): ${t.brokers.map((b) => `${b.id}: ${b.host} ${b.address}:${b.port}`).join(", ")}`
      : "Brokers: none in this preview",
    "",
  );
  if (t.topics.length) {
    out.push(
      ...table(
        ["topic", "partitions", "replication factor", "config"],
        t.topics.map((x) => [x.name, String(x.partitions), String(x.replicationFactor), formatConfig(x.config) || "(cluster defaults)"]),
      ),
    );
  } else out.push("Topics: none");
  return `${out.join("\n").trimEnd()}\n`;
}
