// Pure: validates the stack's `topics` config into topic declarations. Every
// stack declares Hello-Kafka (3 partitions, replication factor 3,
// min.insync.replicas=2) unless it lists its own topics.
import { z } from "zod";
import { pathOf, type Problem } from "../lib/problems";
import { collidingNames, topicSpecProblems, type TopicSpec } from "./spec";

export interface TopicDeclaration extends TopicSpec {
  /** The Pulumi resource name: stays the same across a rename. Default: the topic name. */
  readonly id: string;
  /** Adopt an existing topic of that name (once), instead of refusing it. */
  readonly import: boolean;
  /** Why this topic may be less durable than the policy asks (policy/: topic-durability). */
  readonly policyExemption?: { readonly reason: string };
  /** This change may delete or replace the topic, losing its data (policy/: no-topic-data-loss). */
  readonly allowDataLoss?: boolean;
}

export const HELLO_KAFKA: TopicDeclaration = {
  id: "Hello-Kafka",
  name: "Hello-Kafka",
  partitions: 3,
  replicationFactor: 3,
  config: { "min.insync.replicas": "2" },
  import: false,
};

const topicSchema = z.strictObject({
  name: z.string(),
  id: z.string().min(1).optional(),
  partitions: z.number(),
  replicationFactor: z.number().default(3),
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
  import: z.boolean().default(false),
  policyExemption: z
    .strictObject({ reason: z.string().trim().min(1, 'must say why, e.g. { reason: "scratch data, rebuilt hourly" }') })
    .optional(),
  allowDataLoss: z.boolean().optional(),
});

export interface TopicsResult {
  readonly topics: TopicDeclaration[];
  /** Each with its path, e.g. `kafka-cluster:topics[1].partitions`; any problem means nothing is declared. */
  readonly problems: Problem[];
  /** Worth saying, not worth stopping for. */
  readonly warnings: string[];
}

export function declareTopics(raw: unknown, namespace = "kafka-cluster"): TopicsResult {
  if (raw === undefined) return { topics: [HELLO_KAFKA], problems: [], warnings: [] };
  const list = `${namespace}:topics`;
  const at = (i: number, prop?: string): string => pathOf(list, prop ? [i, prop] : [i]);
  if (!Array.isArray(raw)) {
    return { topics: [], problems: [{ path: list, message: "must be a list of topics", value: raw }], warnings: [] };
  }
  const problems: Problem[] = [];
  const topics: Array<{ decl: TopicDeclaration; index: number }> = [];
  raw.forEach((entry, i) => {
    const parsed = topicSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // Only the first unknown key of an entry, and no values: zod's messages already say what it got.
        const keys = (issue as { keys?: string[] }).keys;
        const prop = [...issue.path, ...(keys?.length ? [keys[0]] : [])].join(".");
        problems.push({
          path: at(i, prop),
          message: issue.code === "unrecognized_keys" ? "unknown key" : issue.message,
        });
      }
      return;
    }
    const t = parsed.data;
    const decl: TopicDeclaration = { ...t, id: t.id ?? t.name };
    for (const p of topicSpecProblems(decl)) problems.push({ ...p, path: at(i, p.path) });
    topics.push({ decl, index: i });
  });
  const seen = new Map<string, number>();
  for (const { decl, index } of topics) {
    for (const [kind, value] of [
      ["name", decl.name],
      ["id", decl.id],
    ] as const) {
      const key = `${kind}:${value}`;
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({
          path: at(index, kind),
          message: `${JSON.stringify(value)} is declared twice (also topics[${first}])`,
        });
      } else seen.set(key, index);
    }
  }
  const warnings = collidingNames(topics.map((t) => t.decl.name)).map(
    ([a, b]) =>
      `topics ${JSON.stringify(a)} and ${JSON.stringify(b)} collide in Kafka's metric names ("." and "_" are treated alike); consider renaming one`,
  );
  return problems.length
    ? { topics: [], problems, warnings }
    : { topics: topics.map((t) => t.decl), problems, warnings };
}
