// What RemoteProcess asks a host over SSH about ownership: markers in
// directories, a pid's start time, which process holds a port (`ss -ltnp`
// where the host has it, else /proc/net/tcp without a pid), and which
// processes run a config file. Serialized with the provider: plain values only.
import { shellQuote } from "../render";
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
  ssListener,
  startTimeOfStat,
  type Endpoint,
  type Marker,
} from "./ownership";
import type { SshSession } from "./ssh-session";

const q = shellQuote;

export async function remoteMarker(ssh: SshSession, dir: string): Promise<Marker | undefined> {
  const r = await ssh.exec(`cat ${q(`${dir}/${MARKER_FILE}`)} 2>/dev/null`);
  return r.code === 0 ? parseMarker(r.stdout) : undefined;
}

export async function writeRemoteMarkers(ssh: SshSession, dirs: readonly string[], marker: Marker): Promise<void> {
  for (const d of dirs) await ssh.run(`cat > ${q(`${d}/${MARKER_FILE}`)}`, renderMarker(marker));
}

/** The start time of the live process `pid` on the host; undefined when none runs. */
export async function remoteStartTime(ssh: SshSession, pid: number): Promise<string | undefined> {
  if (!(pid > 0)) return undefined;
  const r = await ssh.exec(`cat /proc/${pid}/stat 2>/dev/null`);
  return r.code === 0 && !isZombieStat(r.stdout) ? startTimeOfStat(r.stdout) : undefined;
}

/** `ss -Hltnp` on the host; undefined when it has no ss. */
async function ssOutput(ssh: SshSession): Promise<string | undefined> {
  const r = await ssh.exec("command -v ss >/dev/null 2>&1 && ss -Hltnp");
  return r.code === 0 ? r.stdout : undefined;
}

/** Who holds `at` on the host: a pid, 0 when held by a process the host does not name to us, null when free. */
async function remoteHolder(ssh: SshSession, at: Endpoint): Promise<number | null> {
  const ss = await ssOutput(ssh);
  if (ss !== undefined) {
    const pid = ssListener(ss, at);
    return pid === undefined ? 0 : pid; // undefined: held, by a process ss does not name
  }
  const tcp = await ssh.exec("cat /proc/net/tcp /proc/net/tcp6 2>/dev/null");
  return listeningInodes(tcp.stdout, at).length > 0 ? 0 : null;
}

/** Whether `pid` holds `at`; true when the host cannot say (no ss, or a pid ss does not show). */
export async function remoteListensOn(ssh: SshSession, pid: number, at: Endpoint): Promise<boolean> {
  const ss = await ssOutput(ssh);
  if (ss === undefined) return true;
  const holder = ssListener(ss, at);
  return holder === undefined || holder === pid;
}

async function describeRemotePid(ssh: SshSession, pid: number, stackId: string | undefined): Promise<string> {
  const cwd = (await ssh.exec(`readlink /proc/${pid}/cwd 2>/dev/null`)).stdout.trim() || undefined;
  const cmdline = (await ssh.exec(`tr '\\0' ' ' < /proc/${pid}/cmdline 2>/dev/null`)).stdout.trim();
  const marker = cwd ? await remoteMarker(ssh, cwd) : undefined;
  return describeHolder(marker, { pid, startTime: await remoteStartTime(ssh, pid), cwd, cmdline }, stackId);
}

/** Refuses a start, before anything is written, when a directory is another stack's or a port is held. */
export async function checkRemoteStart(
  ssh: SshSession,
  inputs: { label: string; stackId?: string; workDir: string; dirs: string[]; listens?: Endpoint[] },
): Promise<void> {
  for (const at of inputs.listens ?? []) {
    const pid = await remoteHolder(ssh, at);
    if (pid === null) continue;
    const holder = pid > 0 ? { pid, description: await describeRemotePid(ssh, pid, inputs.stackId) } : undefined;
    throw new Error(heldMessage(inputs.label, at, holder));
  }
  for (const dir of [inputs.workDir, ...inputs.dirs]) {
    const marker = await remoteMarker(ssh, dir);
    if (ownerOf(marker, inputs.stackId) === "foreign") throw new Error(foreignDirMessage(inputs.label, dir, marker!));
  }
}

/** Live processes on the host whose command line has `configFile` as one argument. */
export async function remotePidsRunning(ssh: SshSession, configFile: string): Promise<number[]> {
  if (!configFile) return [];
  // The glob is expanded before grep starts, so grep (whose arguments name the file) is not in it;
  // `; true` keeps the shell from exec'ing into grep, whose pid the glob would then hold.
  const r = await ssh.exec(`grep -lzxF -- ${q(configFile)} /proc/[0-9]*/cmdline 2>/dev/null; true`);
  return r.stdout
    .split("\n")
    .map((l) => Number(/^\/proc\/(\d+)\/cmdline$/.exec(l.trim())?.[1]))
    .filter((pid) => pid > 0);
}

/** The WorkingDirectory of an installed systemd unit file; undefined when there is none. */
export async function unitWorkDir(ssh: SshSession, unitFile: string): Promise<string | undefined> {
  const r = await ssh.exec(`sed -n 's/^WorkingDirectory=//p' ${q(unitFile)} 2>/dev/null`);
  return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}
