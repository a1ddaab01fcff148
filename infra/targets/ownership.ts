// Who owns a process and its directories (local and ssh targets): the
// marker file `owner` a process provider writes into each directory it
// starts a process in, and the pure decisions made from it before a start,
// a stop or a removal. Also the parsers of what the host says about a port
// (/proc/net/tcp, `ss -ltnp`) and a process (/proc/<pid>/stat).
//
// Serialized by Pulumi with the providers: plain functions, no imports.

/** The name of the marker file in a work or data directory. */
export const MARKER_FILE = "owner";

/** What a marker says: whose stack made the directory, and the process it started there. */
export interface Marker {
  readonly stackId: string;
  /** e.g. "hadoop-nn kafka broker 1". */
  readonly label: string;
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid, names one process for good. */
  readonly startTime: string;
}

export function renderMarker(m: Marker): string {
  return `${JSON.stringify({ stackId: m.stackId, label: m.label, pid: m.pid, startTime: m.startTime })}\n`;
}

/** The marker in `text`; undefined when there is none. A file that is not a marker counts as one of an unknown stack. */
export function parseMarker(text: string | undefined): Marker | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  try {
    const m = JSON.parse(text) as Partial<Marker>;
    if (typeof m.stackId === "string" && typeof m.label === "string") {
      return { stackId: m.stackId, label: m.label, pid: Number(m.pid), startTime: String(m.startTime ?? "") };
    }
  } catch {
    // below
  }
  return { stackId: "(unreadable marker)", label: "unknown", pid: 0, startTime: "" };
}

/**
 * Whose a directory is, for a resource of stack `stackId`: `ours` (our
 * marker), `unmarked` (no marker: made by a version of this program before
 * markers, or never started; it counts as ours) or `foreign`. A resource
 * without a stack id (state of an older version) owns only unmarked directories.
 */
export function ownerOf(marker: Marker | undefined, stackId: string | undefined): "ours" | "unmarked" | "foreign" {
  if (!marker) return "unmarked";
  return stackId !== undefined && marker.stackId === stackId ? "ours" : "foreign";
}

/** Field 22 (starttime) of a /proc/<pid>/stat line; undefined when unreadable. The command name may hold spaces and parentheses. */
export function startTimeOfStat(stat: string | undefined): string | undefined {
  if (!stat) return undefined;
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state).
  return /^\d+$/.test(rest[19] ?? "") ? rest[19] : undefined;
}

/** Whether a /proc/<pid>/stat line is of a zombie (exited, not yet reaped). */
export function isZombieStat(stat: string): boolean {
  return stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z";
}

export interface PidFacts {
  /** The pid the state (or marker) names. */
  readonly pid: number;
  /** Its start time as recorded when started; undefined for state of an older version. */
  readonly recordedStartTime: string | undefined;
  /** The start time of whatever runs under that pid now; undefined when nothing does. */
  readonly liveStartTime: string | undefined;
  /** Older state only: whether the live process runs our config file (its command line). */
  readonly runsOurConfig: boolean;
}

/** Whether the pid is still the process we started, so it may be signalled: a gone or reused pid is not. */
export function isOurProcess(f: PidFacts): boolean {
  if (f.pid <= 0 || f.liveStartTime === undefined) return false;
  if (f.recordedStartTime !== undefined && f.recordedStartTime !== "") return f.recordedStartTime === f.liveStartTime;
  return f.runsOurConfig;
}

/** The start time a stop compares with: the state's, else the marker's when it names the same pid. */
export function recordedStartTime(
  state: { pid: number; startTime?: string },
  marker: Marker | undefined,
): string | undefined {
  if (state.startTime) return state.startTime;
  return marker && marker.pid === state.pid && marker.startTime ? marker.startTime : undefined;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** One sentence on whose a process is, from its marker, e.g. "hadoop-nn kafka broker 1 of another stack (local-3f2a) at /d/run/kafka". */
export function describeHolder(
  marker: Marker | undefined,
  facts: { pid: number; startTime?: string; cwd?: string; cmdline?: string },
  stackId: string | undefined,
): string {
  const at = facts.cwd ? ` at ${facts.cwd}` : "";
  if (marker && marker.pid === facts.pid && (!facts.startTime || marker.startTime === facts.startTime)) {
    const whose =
      marker.stackId === stackId
        ? "of this stack, not in its state (stop it, or restore the state)"
        : `of another stack (stack id ${marker.stackId})`;
    return `${marker.label} ${whose}${at}`;
  }
  const cmd = facts.cmdline ?? "";
  if (cmd.includes("kafka.Kafka")) return `a Kafka broker${at}`;
  if (cmd.includes("QuorumPeerMain")) return `a ZooKeeper node${at}`;
  return cmd ? `${cmd.split(/\s+/)[0]}${at}` : `another process${at}`;
}

/** The refusal of a start whose port is held, naming the holder when the host says who it is. */
export function heldMessage(
  label: string,
  at: Endpoint,
  holder: { pid: number; description: string } | undefined,
): string {
  const who = holder ? `pid ${holder.pid} (${holder.description})` : "another process";
  return `${label}: ${at.host}:${at.port} is held by ${who}; nothing was changed`;
}

/** The refusal of a start in a directory another stack's marker claims. */
export function foreignDirMessage(label: string, dir: string, marker: Marker): string {
  return (
    `${label}: ${dir} belongs to another stack (stack id ${marker.stackId}, ${marker.label}, pid ${marker.pid}); ` +
    `nothing was changed. Give this stack its own dataDir, or destroy the other stack first`
  );
}

/** An IPv4 address as /proc/net/tcp writes it: the 4 bytes in host (little-endian) order, hex. */
function procHex4(ip: string): string | undefined {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
  return parts
    .map((n) => n.toString(16).padStart(2, "0"))
    .reverse()
    .join("")
    .toUpperCase();
}

/**
 * Socket inodes listening where a bind of `at` would collide: on its address
 * (IPv4, or IPv4-mapped IPv6 as a JVM binds) or on the wildcard, from the
 * text of /proc/net/tcp and /proc/net/tcp6.
 */
export function listeningInodes(procNetTcp: string, at: Endpoint): string[] {
  const v4 = procHex4(at.host);
  const port = at.port.toString(16).toUpperCase().padStart(4, "0");
  const mapped = "0000000000000000FFFF0000";
  const addrs = new Set([
    "00000000",
    "0".repeat(32),
    `${mapped}00000000`,
    ...(v4 ? [v4, `${mapped}${v4}`] : [at.host.toUpperCase()]),
  ]);
  const inodes: string[] = [];
  for (const line of procNetTcp.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== "0A") continue; // 0A: LISTEN
    const [addr, p] = (cols[1] ?? "").split(":");
    if (p === port && addrs.has(addr ?? "") && cols[9] !== "0") inodes.push(cols[9]!);
  }
  return inodes;
}

/** The pid `ss -Hltnp` names for a listener colliding with `at`: null when the port is free, undefined when held by a process ss does not show. */
export function ssListener(ssOutput: string, at: Endpoint): number | null | undefined {
  const wild = new Set(["*", "0.0.0.0", "::", "[::]"]);
  for (const line of ssOutput.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols[0] !== "LISTEN" || cols.length < 5) continue;
    const local = cols[3]!;
    const i = local.lastIndexOf(":");
    const host = local
      .slice(0, i)
      .replace(/^\[(.*)\]$/, "$1")
      .replace(/^::ffff:/i, "")
      .replace(/%.*$/, "");
    if (Number(local.slice(i + 1)) !== at.port || !(host === at.host || wild.has(host))) continue;
    const pid = /pid=(\d+)/.exec(line)?.[1];
    return pid === undefined ? undefined : Number(pid);
  }
  return null;
}
