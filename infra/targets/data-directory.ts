// What LocalDataDirectory and RemoteDataDirectory share: the inputs of one
// ZooKeeper node's or broker's data directory, and the guard on its path. A
// new path (a `dataDir` change) moves the data, so it is refused at preview
// unless the stack says `moveData: true`.
//
// Serialized by Pulumi with both providers: plain values and functions only.

export interface DataDirectoryInputs {
  /** For messages, e.g. "hadoop-nn kafka broker 1". */
  readonly label: string;
  readonly path: string;
  /** The stack's dataDir: empty parents of a removed directory are removed up to it. */
  readonly cleanupRoot: string;
  /** The stack's identity, written in the directory's `owner` marker. */
  readonly stackId?: string;
  /** Stack config `moveData`: a new path is allowed, and the process's update moves the data there. */
  readonly moveData?: boolean;
}

/** Inputs that are no change of the directory itself (an array: Pulumi does not serialize a Set's contents). */
const NOT_A_CHANGE: readonly string[] = ["__provider", "moveData"];

/** The refusal of a new path, naming `dataDir`, both paths and the two ways on. */
export function moveRefusal(olds: DataDirectoryInputs, news: DataDirectoryInputs): string {
  return (
    `kafka-cluster:dataDir changed from "${olds.cleanupRoot}" to "${news.cleanupRoot}": ${news.label}'s data ` +
    `directory would move from ${olds.path} to ${news.path}, and nothing moves data unless asked. Either set ` +
    "`pulumi config set kafka-cluster:moveData true` for the `up` that moves it (each process stops, its data " +
    "moves, it starts again; unset it after), or run `pulumi destroy` first (which removes the data)"
  );
}

/** Pulumi check failures: a new path without moveData. */
export function checkDataDirectory(
  olds: Partial<DataDirectoryInputs>,
  news: DataDirectoryInputs,
): { property: string; reason: string }[] {
  if (olds.path === undefined || olds.path === news.path || news.moveData === true) return [];
  return [{ property: "path", reason: moveRefusal(olds as DataDirectoryInputs, news) }];
}

/** Never a replace: a new path or host is an update that makes the new directory and leaves the old one's data. */
export function diffDataDirectory(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { changes: boolean; replaces: string[] } {
  const changed = Object.keys(news).filter(
    (k) => !NOT_A_CHANGE.includes(k) && JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
  );
  return { changes: changed.length > 0, replaces: [] };
}

/** The warning of a delete that keeps a directory a live process still uses. */
export function inUseMessage(label: string, dir: string, pid: number): string {
  return `${label}: ${dir} is in use by pid ${pid}; it is kept and dropped from this stack's state`;
}
