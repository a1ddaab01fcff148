// Pure rules for a declared topic: the checks that must pass before anything
// changes (the name rule is lib/topic-name's) and what a change to a topic
// means. Problems are lib/problems' Problem; their path is the input property,
// e.g. `partitions` or `config.min.insync.replicas`, which a caller prefixes
// with where the topic is declared.
import type { Problem } from "../lib/problems";
import { collisionKey, topicNameProblems } from "../lib/topic-name";

export { topicNameProblems } from "../lib/topic-name";

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level settings; only these keys are managed. */
  readonly config: Readonly<Record<string, string>>;
}

/** Pairs of declared names that collide once "." and "_" are treated alike. */
export function collidingNames(names: readonly string[]): Array<[string, string]> {
  const first = new Map<string, string>();
  const pairs: Array<[string, string]> = [];
  for (const n of names) {
    const k = collisionKey(n);
    const prev = first.get(k);
    if (prev !== undefined && prev !== n) pairs.push([prev, n]);
    else first.set(k, n);
  }
  return pairs;
}

const isPositiveInt = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1;

/**
 * Everything that can be known wrong before touching the cluster. `brokers`
 * (the live broker count) is checked when known; `defaultMinIsr` is the
 * broker's min.insync.replicas, for topics that do not set it.
 */
export function topicSpecProblems(spec: TopicSpec, ctx: { brokers?: number; defaultMinIsr?: number } = {}): Problem[] {
  const problems: Problem[] = topicNameProblems(spec.name).map((reason) => ({
    path: "name",
    message: `${JSON.stringify(spec.name)} ${reason}`,
  }));
  if (!isPositiveInt(spec.partitions)) {
    problems.push({ path: "partitions", message: "must be an integer >= 1", value: spec.partitions });
  }
  if (!isPositiveInt(spec.replicationFactor)) {
    problems.push({ path: "replicationFactor", message: "must be an integer >= 1", value: spec.replicationFactor });
  } else if (ctx.brokers !== undefined && spec.replicationFactor > ctx.brokers) {
    problems.push({
      path: "replicationFactor",
      message:
        `${spec.replicationFactor} is more than the ${ctx.brokers} live broker${ctx.brokers === 1 ? "" : "s"}; ` +
        "Kafka cannot place the replicas",
    });
  }
  for (const [key, value] of Object.entries(spec.config ?? {})) {
    if (typeof value !== "string") problems.push({ path: `config.${key}`, message: "values are strings", value });
  }
  const minIsrText = spec.config?.["min.insync.replicas"];
  const minIsr = minIsrText !== undefined ? Number(minIsrText) : ctx.defaultMinIsr;
  if (minIsrText !== undefined && !isPositiveInt(minIsr)) {
    problems.push({ path: "config.min.insync.replicas", message: "must be an integer >= 1", value: minIsrText });
  } else if (minIsr !== undefined && isPositiveInt(spec.replicationFactor) && minIsr > spec.replicationFactor) {
    problems.push({
      path: minIsrText !== undefined ? "config.min.insync.replicas" : "replicationFactor",
      message:
        `min.insync.replicas ${minIsr}${minIsrText === undefined ? " (the broker default)" : ""} is more than the replication factor ` +
        `${spec.replicationFactor}: every acks=all write would fail with NotEnoughReplicas`,
    });
  }
  return problems;
}

export interface TopicChange {
  /** A new name: a different topic. The old one is deleted, with its data. */
  readonly replace: boolean;
  readonly partitions?: { readonly from: number; readonly to: number };
  readonly replicationFactor?: { readonly from: number; readonly to: number };
  /** Keys to set (new or changed values). */
  readonly setConfig: Readonly<Record<string, string>>;
  /** Keys no longer declared: back to the cluster default. */
  readonly resetConfig: readonly string[];
}

/** What changes between two declarations of a topic. */
export function topicChange(olds: TopicSpec, news: TopicSpec): TopicChange {
  const setConfig: Record<string, string> = {};
  for (const [k, v] of Object.entries(news.config ?? {})) if (olds.config?.[k] !== v) setConfig[k] = v;
  const resetConfig = Object.keys(olds.config ?? {}).filter((k) => !(k in (news.config ?? {})));
  return {
    replace: olds.name !== news.name,
    ...(olds.partitions !== news.partitions ? { partitions: { from: olds.partitions, to: news.partitions } } : {}),
    ...(olds.replicationFactor !== news.replicationFactor
      ? { replicationFactor: { from: olds.replicationFactor, to: news.replicationFactor } }
      : {}),
    setConfig,
    resetConfig,
  };
}

/** The refusal for a partition decrease, which Kafka cannot do. */
export function partitionDecreaseProblem(name: string, from: number, to: number): Problem {
  return {
    path: "partitions",
    message:
      `cannot decrease the partitions of ${JSON.stringify(name)} from ${from} to ${to}: Kafka cannot remove partitions, ` +
      "and deleting the topic to recreate it would lose its data. Keep " +
      `${from}, or declare a new topic and move consumers to it.`,
  };
}

/**
 * Where an existing topic differs from the declaration that would adopt it.
 * Like `pulumi import`, adoption takes a topic as it is: declare what exists,
 * adopt it, then change it in a later update.
 */
export function adoptionProblems(existing: TopicSpec, declared: TopicSpec): Problem[] {
  const problems: Problem[] = [];
  const differs = (path: string, has: string, says: string): void => {
    problems.push({
      path,
      message: `the existing topic has ${has}, the declaration says ${says}; declare what exists to adopt it, then change it`,
    });
  };
  if (existing.partitions !== declared.partitions) {
    differs("partitions", String(existing.partitions), String(declared.partitions));
  }
  if (existing.replicationFactor !== declared.replicationFactor) {
    differs("replicationFactor", String(existing.replicationFactor), String(declared.replicationFactor));
  }
  for (const [key, value] of Object.entries(declared.config)) {
    const has = existing.config[key];
    if (has !== value)
      differs(`config.${key}`, has === undefined ? "no override" : JSON.stringify(has), JSON.stringify(value));
  }
  return problems;
}
