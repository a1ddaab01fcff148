// The parts of `pulumi preview --json` that the preview summary (ci/summary.ts)
// reads, what it makes of them, and the small readers its parts share.
import { labelOf } from "./resources";

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

export interface ResourceState {
  readonly type?: string;
  /** False for components. */
  readonly custom?: boolean;
  /** Deleted or replaced, the resource only leaves the stack (Pulumi goes by the old state's value). */
  readonly retainOnDelete?: boolean;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
}

export const IMPACTS = ["destructive", "disruptive", "rolling", "safe"] as const;
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
  readonly zookeeper: ReadonlyArray<{
    readonly id: number;
    readonly host: string;
    readonly address: string;
    readonly clientPort: number;
  }>;
  readonly brokers: ReadonlyArray<{
    readonly id: number;
    readonly host: string;
    readonly address: string;
    readonly port: number;
  }>;
  readonly topics: readonly TopicRow[];
}

export interface PreviewSummary {
  /** False when the preview failed; `errors` says why. */
  readonly ok: boolean;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Destructive first, then disruptive, rolling, safe; each in the preview's order. */
  readonly changes: readonly Change[];
  readonly topology: Topology;
}

export type Props = Readonly<Record<string, unknown>>;
/** How a preview shows a value that is known only during the update. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const inputsOf = (s: ResourceState | undefined): Props | undefined => s?.inputs ?? s?.outputs;

export function topicRow(p: Props): TopicRow {
  return {
    name: String(p.name),
    partitions: Number(p.partitions),
    replicationFactor: Number(p.replicationFactor),
    config: (p.config as Record<string, string> | undefined) ?? {},
  };
}

export const quote = (s: string): string => `\`${s}\``;
export const formatConfig = (c: Readonly<Record<string, string>>): string =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

/** The host a process runs on: the first word of its label. */
export const hostOf = (p: Props | undefined): string | undefined => labelOf(p)?.split(" ")[0];
