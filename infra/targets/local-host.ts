// What LocalProcess asks this machine about ownership: markers in
// directories, a pid's start time and command line, and which process holds
// a port (/proc/net/tcp inode -> /proc/<pid>/fd). Serialized with the
// provider: modules are required inside the functions.
import {
  MARKER_FILE,
  describeHolder,
  foreignDirMessage,
  heldMessage,
  isZombieStat,
  listeningInodes,
  ownerOf,
  parseMarker,
  renderMarker,
  startTimeOfStat,
  type Endpoint,
  type Marker,
} from "./ownership";

function readOr(file: string): string | undefined {
  const fs = require("node:fs") as typeof import("node:fs");
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

export function readMarker(dir: string): Marker | undefined {
  return parseMarker(readOr(`${dir}/${MARKER_FILE}`));
}

export function writeMarkers(dirs: readonly string[], marker: Marker): void {
  const fs = require("node:fs") as typeof import("node:fs");
  for (const d of dirs) fs.writeFileSync(`${d}/${MARKER_FILE}`, renderMarker(marker));
}

/** The start time of the live process `pid`; undefined when none runs (or only its zombie is left). */
export function liveStartTime(pid: number): string | undefined {
  if (!(pid > 0)) return undefined;
  const stat = readOr(`/proc/${pid}/stat`);
  return stat && !isZombieStat(stat) ? startTimeOfStat(stat) : undefined;
}

export function cmdlineOf(pid: number): string {
  return (readOr(`/proc/${pid}/cmdline`) ?? "").split("\u0000").join(" ").trim();
}

function socketInodesOf(pid: number): Set<string> {
  const fs = require("node:fs") as typeof import("node:fs");
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // gone, or another user's
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

function listeners(at: Endpoint): string[] {
  return listeningInodes(`${readOr("/proc/net/tcp") ?? ""}\n${readOr("/proc/net/tcp6") ?? ""}`, at);
}

/** Whether `pid` itself listens where `at` would bind. */
export function listensOn(pid: number, at: Endpoint): boolean {
  const mine = socketInodesOf(pid);
  return listeners(at).some((i) => mine.has(i));
}

/** The process listening where `at` would bind: its pid, or 0 when held by a process we may not look into; null when free. */
function holderOf(at: Endpoint): number | null {
  const fs = require("node:fs") as typeof import("node:fs");
  const inodes = listeners(at);
  if (inodes.length === 0) return null;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const mine = socketInodesOf(Number(entry));
    if (inodes.some((i) => mine.has(i))) return Number(entry);
  }
  return 0;
}

function describePid(pid: number, stackId: string | undefined): string {
  const fs = require("node:fs") as typeof import("node:fs");
  let cwd: string | undefined;
  try {
    cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    cwd = undefined;
  }
  const marker = cwd ? readMarker(cwd) : undefined;
  return describeHolder(marker, { pid, startTime: liveStartTime(pid), cwd, cmdline: cmdlineOf(pid) }, stackId);
}

/**
 * Refuses a start, before anything is written, when a directory holds
 * another stack's marker or a port is held. Returns nothing when all is clear.
 */
export function checkStart(inputs: {
  label: string;
  stackId?: string;
  workDir: string;
  dirs: string[];
  listens?: Endpoint[];
}): void {
  for (const at of inputs.listens ?? []) {
    const pid = holderOf(at);
    if (pid === null) continue;
    const holder = pid > 0 ? { pid, description: describePid(pid, inputs.stackId) } : undefined;
    throw new Error(heldMessage(inputs.label, at, holder));
  }
  for (const dir of [inputs.workDir, ...inputs.dirs]) {
    const marker = readMarker(dir);
    if (ownerOf(marker, inputs.stackId) === "foreign") throw new Error(foreignDirMessage(inputs.label, dir, marker!));
  }
}

/** Live processes whose command line runs `configFile` (the last argument names a process of ours). */
export function pidsRunning(configFile: string): number[] {
  const fs = require("node:fs") as typeof import("node:fs");
  if (!configFile) return [];
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => pid !== process.pid && liveStartTime(pid) !== undefined)
    .filter((pid) => (readOr(`/proc/${pid}/cmdline`) ?? "").split("\u0000").includes(configFile));
}
