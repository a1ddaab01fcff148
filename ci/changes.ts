// Each step of a preview as a change in words, classified destructive (data
// loss), disruptive (a restart) or safe.
import { rewritesOnly } from "../infra/targets/live-diff";
import { placementChange } from "./placement-changes";
import { liveSettingsChange, rewriteChange } from "./live-changes";
import { removesData } from "../infra/targets/process-spec";
import { dataDirectoryChange, hostProcessChange } from "./data-directories";
import { fileNamed, isProcess, labelOf, roleOf, TYPES, urnParts, type Role } from "./resources";
import { formatConfig, hostOf, inputsOf, quote, topicRow, UNKNOWN } from "./preview-json";
import type { Change, PreviewStep, Props, TopicRow } from "./preview-json";

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
  if (news.bootstrapServers === UNKNOWN)
    parts.push("re-checked once the cluster is ready again (the topic itself is unchanged)");
  else if (olds.bootstrapServers !== news.bootstrapServers)
    parts.push(`cluster address ${String(news.bootstrapServers)}`);
  if (
    JSON.stringify(olds.policyExemption) !== JSON.stringify(news.policyExemption) ||
    olds.allowDataLoss !== news.allowDataLoss
  ) {
    parts.push("policy settings only");
  }
  return parts;
}

/** A delete or replace of a topic deployed with retainOnDelete: it stays in Kafka, with its messages. */
function retainedTopicChange(op: string, resource: string, a: TopicRow | undefined, b: TopicRow | undefined): Change {
  const kept = (n: string): string => `${quote(n)} retained in Kafka with its data, no longer managed`;
  const from = a?.name ?? "?";
  if (op === "delete")
    return { impact: "safe", resource, op, what: `${kept(from)} (${a?.partitions ?? "?"} partitions)` };
  const to = b?.name ?? from;
  return {
    impact: "safe",
    resource,
    op,
    what:
      from !== to
        ? `renamed ${quote(from)} → ${quote(to)}: ${quote(to)} created empty; ${kept(from)}`
        : `replaced: ${kept(from)}; created again empty`,
  };
}

function topicChange(
  op: string,
  name: string,
  olds: Props | undefined,
  news: Props | undefined,
  retained: boolean,
): Change {
  const resource = `topic ${quote(name)}`;
  const a = olds && topicRow(olds);
  const b = news && topicRow(news);
  if (retained && op !== "create" && op !== "update") return retainedTopicChange(op, resource, a, b);
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
      return {
        impact: "safe",
        resource,
        op,
        what: `in place: ${topicDelta(a!, b!, olds!, news!).join("; ") || "inputs only"}`,
      };
    case "delete":
      return {
        impact: "destructive",
        resource,
        op,
        what: `deleted with its data (${a?.partitions ?? "?"} partitions)`,
      };
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
  return Object.keys({ ...olds, ...news }).filter(
    (k) => k !== "__provider" && JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
  );
}

const dirsChanged = (olds: Props | undefined, news: Props | undefined): boolean =>
  JSON.stringify(olds?.dirs) !== JSON.stringify(news?.dirs);

function processName(role: Role, p: Props | undefined, name: string): string {
  const host = hostOf(p);
  const on = host ? ` (${host})` : "";
  if (role.kind === "broker") return `broker ${role.id}${on}`;
  if (role.kind === "zookeeper") return `ZooKeeper ${role.id}${on}`;
  return labelOf(p) ?? name;
}

/** A restart in place: in turn when the process takes part in a roll (infra/roll/), else all at once. */
function restartChange(resource: string, news: Props | undefined, why: string): Change {
  const roll = (news?.roll as { kind?: string } | undefined)?.kind;
  if (roll === "broker") {
    const how = "one broker at a time, the controller last, each back in sync before the next";
    return { impact: "rolling", resource, op: "update", what: `restarts in turn: ${how} (${why})` };
  }
  if (roll === "zookeeper") {
    const how = "one node at a time, the leader last, each back in the quorum before the next";
    return { impact: "rolling", resource, op: "update", what: `restarts in turn: ${how} (${why})` };
  }
  return { impact: "disruptive", resource, op: "update", what: `restarts (${why})` };
}

/** A process updated in place: restarted, or (its provider applying those keys live) only its config file rewritten. */
function processUpdate(
  resource: string,
  config: string | undefined,
  delta: readonly string[],
  olds: Props | undefined,
  news: Props | undefined,
): Change {
  // The process provider decides the same with the same function: only files rewritten, no restart.
  if (olds && news && rewritesOnly(olds, news, changedKeys(olds, news))) return rewriteChange(resource, config, delta);
  const keys = changedKeys(olds, news).join(", ") || "inputs";
  return restartChange(resource, news, delta.length ? `${config}: ${delta.join("; ")}` : `changed: ${keys}`);
}

function processChange(
  op: string,
  role: Role,
  type: string,
  name: string,
  olds: Props | undefined,
  news: Props | undefined,
): Change {
  const resource = processName(role, news ?? olds, name);
  const config = role.kind === "broker" ? "server.properties" : role.kind === "zookeeper" ? "zoo.cfg" : undefined;
  const core = role.kind === "broker" || role.kind === "zookeeper";
  const dirs = (Array.isArray(olds?.dirs) ? (olds!.dirs as string[]) : []).join(", ");
  // A docker container keeps its data on a volume, a resource of its own (a row of its own when it changes).
  const onVolume = core && type === TYPES.dockerContainer;
  const delta = config ? propertiesDelta(fileNamed(olds, config), fileNamed(news, config)) : [];
  const keys = changedKeys(olds, news).join(", ") || "inputs";
  if (op === "update" && keys === "inputs" && type !== TYPES.dockerContainer) {
    return { impact: "safe", resource, op, what: "its provider's code is updated; it keeps running" };
  }
  // A process on a host whose state's code keeps its data (a data directory of its own): only a move touches it.
  const keepsData = core && type !== TYPES.dockerContainer && !removesData(olds ?? {});
  if (keepsData && op !== "create" && !(op === "update" && !dirsChanged(olds, news))) {
    return hostProcessChange(op, resource, keys, olds, news);
  }
  switch (op) {
    case "create":
      return { impact: "safe", resource, op, what: "starts" };
    case "update":
      return processUpdate(resource, config, delta, olds, news);
    case "delete":
      if (onVolume) return { impact: "disruptive", resource, op, what: "stopped (its data stays on its volume)" };
      return core
        ? { impact: "destructive", resource, op, what: `stopped and its data removed${dirs ? ` (${dirs})` : ""}` }
        : { impact: "disruptive", resource, op, what: "stopped" };
    default:
      if (onVolume) {
        const why = delta.length ? `${config}: ${delta.join("; ")}` : `${keys} changed`;
        return {
          impact: "disruptive",
          resource,
          op,
          what: `replaced: stopped and started again on its data volume (${why})`,
        };
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

export function classify(step: PreviewStep, op: string): Change | undefined {
  const { type, name } = urnParts(step.urn);
  const olds = inputsOf(step.oldState);
  const news = op === "delete" ? undefined : inputsOf(step.newState);
  // Components (the stack, KafkaCluster, ...) change nothing themselves: their children say what changes.
  if (type === TYPES.stack || (step.newState ?? step.oldState)?.custom === false) return undefined;
  const role = roleOf(type, name);
  switch (role.kind) {
    case "topic":
      return topicChange(op, String((olds ?? news)?.name ?? name), olds, news, step.oldState?.retainOnDelete === true);
    case "broker":
    case "zookeeper":
      return processChange(op, role, type, name, olds, news);
    case "install":
      if (op === "create") return { impact: "safe", resource: name, op, what: "installed" };
      // A new version unpacks beside the old (infra/targets/remote-install.ts), which goes once the processes moved.
      if (op === "replace" && olds?.kafkaHome !== news?.kafkaHome) {
        const what = `Kafka ${String(olds?.version)} → ${String(news?.version)}: unpacked beside the old release; the host's processes roll onto it, then the old one is removed`;
        return { impact: "rolling", resource: name, op, what };
      }
      return op === "create"
        ? { impact: "safe", resource: name, op, what: "installed" }
        : {
            impact: "disruptive",
            resource: name,
            op,
            what: `Kafka release ${op === "delete" ? "removed" : "reinstalled"}; the host's processes restart`,
          };
    case "other":
      if (isProcess(type)) return processChange(op, role, type, name, olds, news);
      if (type === TYPES.localDataDirectory || type === TYPES.remoteDataDirectory) {
        return dataDirectoryChange(op, name, olds, news);
      }
      if (type === TYPES.dockerVolume) {
        const resource = `volume ${quote(String((news ?? olds)?.name ?? name))}`;
        if (op === "delete") return { impact: "destructive", resource, op, what: "removed with its data" };
        if (op === "replace")
          return { impact: "destructive", resource, op, what: "replaced: removed with its data, created empty" };
        return { impact: "safe", resource, op, what: op === "create" ? "created" : op };
      }
      if (type === TYPES.liveBrokerSettings) return liveSettingsChange(op, olds, news);
      if (type === TYPES.brokerPlacement) return placementChange(op, { ...olds, ...step.oldState?.outputs }, news);
      if (type === TYPES.clusterReady) {
        const what =
          op === "delete" ? "removed" : `waits for every broker and a controller${op === "create" ? "" : " again"}`;
        return { impact: "safe", resource: "cluster readiness check", op, what };
      }
      return {
        impact: op === "create" || op === "update" ? "safe" : "disruptive",
        resource: `${type.split(":").pop()} ${quote(name)}`,
        op,
        what: op,
      };
    default: {
      const never: never = role;
      throw new Error(`unknown role ${JSON.stringify(never)}`);
    }
  }
}
