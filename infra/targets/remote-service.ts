// How RemoteProcess finds, stops and cleans up its service on an ssh host:
// the unit file, pid file and work directory its state names, never another
// stack's (infra/targets/ownership.ts); the data directories it moves to a
// new path between a stop and a start. Serialized with RemoteProcess: plain values only.
import { shellQuote } from "../render";
import type { ProcessInputs, ProcessRunState } from "./process-spec";
import { isOurProcess, ownerOf, recordedStartTime, type Marker } from "./ownership";
import { checkRemoteMove, moveRemoteDir, removeRemoteWithParents } from "./remote-dirs";
import { remoteMarker, remotePidsRunning, remoteStartTime, unitWorkDir } from "./remote-host";
import type { SshConnection, SshSession } from "./ssh-session";

export type ServiceManager = "systemd" | "process";

export interface RemoteProcessInputs extends ProcessInputs {
  readonly connection: SshConnection;
  /** systemd unit name (without .service), also names the pid file. */
  readonly unit: string;
  /** "auto" picks systemd when the host runs it. */
  readonly serviceManager: ServiceManager | "auto";
}

export interface RemoteProcessOutputs extends RemoteProcessInputs, ProcessRunState {
  /** The manager actually used. */
  readonly manager: ServiceManager;
  /** The pid started and its /proc start time; absent in state of older versions. */
  readonly pid?: number;
  readonly startTime?: string;
}

const q = shellQuote;
export const unitPath = (unit: string): string => `/etc/systemd/system/${unit}.service`;
export const pidFile = (s: RemoteProcessInputs): string => `${s.workDir}/${s.unit}.pid`;
export const outFile = (s: RemoteProcessInputs): string => `${s.workDir}/process.out`;

/** Runs as root directly, or through passwordless sudo. */
export const privileged = (s: RemoteProcessInputs, cmd: string): string =>
  s.connection.user === "root" ? cmd : `sudo -n sh -c ${q(cmd)}`;

/** The pid the manager runs: systemd's MainPID, or the pid file's; 0 when none. */
export async function mainPid(ssh: SshSession, s: RemoteProcessInputs, manager: ServiceManager): Promise<number> {
  const cmd = manager === "systemd" ? `systemctl show -p MainPID ${q(s.unit)}` : `cat ${q(pidFile(s))}`;
  const r = await ssh.exec(`${cmd} 2>/dev/null`);
  return Number(/(\d+)\s*$/.exec(r.stdout.trim())?.[1] ?? 0);
}

/** Whether the pid file's process is still the one we started (start time; older state: its config file). */
async function ourProcess(ssh: SshSession, s: RemoteProcessOutputs, marker: Marker | undefined): Promise<number> {
  const pid = await mainPid(ssh, s, "process");
  const recorded = recordedStartTime({ pid, startTime: pid === s.pid ? s.startTime : undefined }, marker);
  const live = await remoteStartTime(ssh, pid);
  const cmdline = live === undefined ? "" : (await ssh.exec(`tr '\\0' ' ' < /proc/${pid}/cmdline`)).stdout;
  const runsOurConfig = cmdline.includes(s.args[s.args.length - 1] ?? "\u0000");
  return isOurProcess({ pid, recordedStartTime: recorded, liveStartTime: live, runsOurConfig }) ? pid : 0;
}

/** Whether the service we started still runs (systemd: its unit is active; else our pid, not a reused one). */
export async function runningRemote(ssh: SshSession, s: RemoteProcessOutputs): Promise<boolean> {
  if (s.manager === "systemd") return (await ssh.exec(`systemctl is-active --quiet ${q(s.unit)}`)).code === 0;
  return (await ourProcess(ssh, s, await remoteMarker(ssh, s.workDir))) > 0;
}

/**
 * Stops the service if it is ours: SIGTERM, then SIGKILL after graceMs.
 * "foreign" when the work directory carries another stack's marker: nothing
 * is signalled. A missing unit, pid file or directory is already stopped.
 */
export async function stopRemote(
  ssh: SshSession,
  s: RemoteProcessOutputs,
  graceMs: number,
): Promise<"stopped" | "foreign"> {
  const marker = await remoteMarker(ssh, s.workDir);
  if (ownerOf(marker, s.stackId) === "foreign") return "foreign";
  if (s.manager === "systemd") {
    const unitDir = await unitWorkDir(ssh, unitPath(s.unit));
    if (unitDir !== undefined && unitDir !== s.workDir) {
      console.warn(`${s.label}: systemd unit ${s.unit} runs from ${unitDir}, not ours; left alone`);
      return "stopped";
    }
    // systemd does the TERM/KILL sequence itself (TimeoutStopSec); the unit is the identity of what it runs.
    await ssh.run(
      privileged(
        s,
        `systemctl disable --now ${q(s.unit)} 2>/dev/null; rm -f ${q(unitPath(s.unit))}; systemctl daemon-reload`,
      ),
    );
    return "stopped";
  }
  const pid = await ourProcess(ssh, s, marker);
  if (pid === 0) return "stopped";
  const tenths = Math.max(1, Math.ceil(graceMs / 100));
  await ssh.run(
    [
      `pid=${pid}`,
      `kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null`,
      `i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt ${tenths} ]; do sleep 0.1; i=$((i+1)); done`,
      `kill -KILL -- -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true`,
      `i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; true`,
    ].join("; "),
  );
  return "stopped";
}

/**
 * Removes the service's work directory (config, pid file, output) when ours
 * (our marker, or none: made before markers), then its empty parents up to
 * cleanupRoot; nothing while a process still runs our config file. Its data
 * directories are not the process's to remove.
 */
export async function removeRemoteWorkDir(ssh: SshSession, s: RemoteProcessInputs): Promise<void> {
  const running = await remotePidsRunning(ssh, s.args[s.args.length - 1] ?? "");
  if (running.length > 0) {
    console.warn(`${s.label}: pid ${running.join(", ")} still runs from ${s.workDir}; it is kept`);
    return;
  }
  if (ownerOf(await remoteMarker(ssh, s.workDir), s.stackId) === "foreign") {
    console.warn(`${s.label}: ${s.workDir} belongs to another stack; kept`);
    return;
  }
  await removeRemoteWithParents(ssh, [s.workDir], s.cleanupRoot);
}

/** The data directories whose path changes: [old, new]. */
const moves = (olds: RemoteProcessInputs, news: RemoteProcessInputs): [string, string][] =>
  olds.dirs.flatMap((from, i) => {
    const to = news.dirs[i];
    return to !== undefined && to !== from ? [[from, to] as [string, string]] : [];
  });

/** Refuses, before the old service stops, a move of its data onto a path that holds data. */
export async function checkRelocation(ssh: SshSession, olds: RemoteProcessInputs, news: RemoteProcessInputs) {
  for (const [from, to] of moves(olds, news)) await checkRemoteMove(ssh, from, to, news);
}

/** Between the stop of the old service and the start of the new: data moved to new paths, an old work directory removed. */
export async function relocateRemote(
  ssh: SshSession,
  olds: RemoteProcessOutputs,
  news: RemoteProcessInputs,
): Promise<void> {
  for (const [from, to] of moves(olds, news)) {
    await moveRemoteDir(ssh, from, to, { ...news, cleanupRoot: olds.cleanupRoot });
  }
  if (olds.workDir !== news.workDir) await removeRemoteWorkDir(ssh, olds);
}
