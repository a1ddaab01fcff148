// What LocalProcess and RemoteProcess share: the inputs of a process placed
// on a host (ZooKeeper node, broker, service) and what a change of each does.
//
// Both providers are serialized by Pulumi with the functions they call from
// here: these capture nothing but plain values and require nothing.
import type { FileContent } from "../../lib/file-content";
import type { RollSpec } from "../roll/index";
import { rewritesOnly } from "./live-diff";
import type { Endpoint } from "./ownership";
import type { Readiness } from "./readiness";

export interface ProcessInputs {
  /** For messages, e.g. "hadoop-nn zookeeper (myid 1)". */
  readonly label: string;
  /** Holds config, the pid file and the process's output. */
  readonly workDir: string;
  /**
   * Its data directories, each a resource of its own (LocalDataDirectory,
   * RemoteDataDirectory) that is never removed with the process. A change
   * moves them in the update (stack config `moveData`; refused otherwise by
   * the data directory's check).
   */
  readonly dirs: string[];
  /** Empty parents of a removed work directory are removed too, up to and including this one. */
  readonly cleanupRoot: string;
  /** Files written before start: absolute path to content. */
  readonly files: Record<string, FileContent>;
  readonly command: string;
  /** The last argument identifies the process (its config file or script): a reused pid is not ours. */
  readonly args: string[];
  readonly ready: Readiness;
  /** How long to wait for readiness. */
  readonly readyTimeoutMs: number;
  /** The stack's identity (StackIdentity), written in the `owner` marker of every directory it starts a process in. */
  readonly stackId?: string;
  /** Where the process listens: held by another process, the start is refused; ready only when ours holds it. */
  readonly listens?: Endpoint[];
  /** Settings of its config files that Kafka applies live (a broker's): a change of only those rewrites, no restart. */
  readonly liveKeys?: string[];
  /**
   * How its restart takes turns with the others of its kind (infra/roll/):
   * how, not what, so a change of it alone restarts nothing.
   */
  readonly roll?: RollSpec;
}

/** What a refresh found (read): false when the process is gone; the next update starts it again. */
export interface ProcessRunState {
  readonly running?: boolean;
}

/**
 * Inputs added after stacks were deployed without them: a value missing from
 * the old state is no change (a deployed process is neither restarted nor
 * replaced by this program's upgrade); a value that changes restarts it.
 */
export const ADDED_KEYS: readonly string[] = ["stackId", "listens", "liveKeys"];

/** Inputs that say how a change is carried out, not what runs: never a change by themselves. */
const HOW_KEYS: readonly string[] = ["__provider", "roll"];

/**
 * Inputs whose change restarts the process in place; a change of any other
 * input replaces it. Nothing here needs new data: a new work directory, unit
 * or service manager is a stop of the old (as its state says) and a start of
 * the new, and new data directories are the old ones moved.
 */
export const RESTART_KEYS: readonly string[] = [
  "label",
  "workDir",
  "dirs",
  "files",
  "command",
  "args",
  "ready",
  "readyTimeoutMs",
  "cleanupRoot",
  ...ADDED_KEYS,
];

/**
 * The inputs that differ. `__provider` (the provider's serialized code, which
 * Pulumi adds to every dynamic resource's inputs) is not one: new code alone
 * changes nothing that runs, and must not restart or replace a process.
 */
export function changedInputs(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return Object.keys(news).filter(
    (k) =>
      !HOW_KEYS.includes(k) &&
      !(ADDED_KEYS.includes(k) && olds[k] === undefined) &&
      JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
  );
}

/**
 * Whether the state's code is a version whose delete removed the data
 * directories (before they were resources of their own). Pulumi deletes with
 * the code in the state, so such state gets this code by an update that
 * restarts nothing (`codeOnly`); its data then outlives any later replace.
 */
export function removesData(olds: Record<string, unknown>): boolean {
  return typeof olds.__provider === "string" && !olds.__provider.includes(KEEPS_DATA);
}

/** In the serialized code of every version whose delete keeps the data directories (this function captures it). */
export const KEEPS_DATA = "kafka-cluster: a process delete keeps its data directories";

/** An update whose only change is the provider's code: the process keeps running. */
export function codeOnly(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return changedInputs(olds, news).length === 0 && olds.running !== false;
}

/** An update that rewrites files of live settings only: the running process keeps running. */
export function rewriteOnly(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return olds.running !== false && rewritesOnly(olds, news, changedInputs(olds, news));
}

/** A process provider's diff: restart in place for `restartKeys`, otherwise replace, stopping the old one first. */
export function diffProcess(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  restartKeys: readonly string[],
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const changed = changedInputs(olds, news);
  // Live settings only: rewritten in place (restart keys or not, nothing is replaced).
  if (rewritesOnly(olds, news, changed)) return { changes: true, replaces: [], deleteBeforeReplace: true };
  const replaces = changed.filter((k) => !restartKeys.includes(k));
  // A process a refresh found stopped is started again by an update.
  const stopped = olds.running === false;
  return { changes: changed.length > 0 || removesData(olds) || stopped, replaces, deleteBeforeReplace: true };
}
