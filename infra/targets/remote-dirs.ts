// Directories on an ssh host that the ssh target owns, as local-dirs.ts does
// on this machine: claimed with our `owner` marker, moved without ever
// overwriting data, removed with their empty parents. Serialized with
// RemoteProcess and RemoteDataDirectory: plain values only.
import { shellQuote } from "../render";
import { MARKER_FILE, foreignDirMessage, ownerOf, type Marker } from "./ownership";
import { remoteMarker, remoteStartTime, writeRemoteMarkers } from "./remote-host";
import type { SshSession } from "./ssh-session";

const q = shellQuote;

/** A script removing each of `list`'s parents while they are empty and inside `cleanupRoot` (the root too). */
const emptyParents = (list: string, cleanupRoot: string): string =>
  `for d in ${list}; do p=$(dirname "$d"); while case "$p/" in ${q(cleanupRoot.replace(/\/$/, ""))}/*) true;; *) false;; esac && rmdir "$p" 2>/dev/null; do p=$(dirname "$p"); done; done; true`;

/** Removes `dirs`, then their empty parents up to `cleanupRoot`. */
export async function removeRemoteWithParents(ssh: SshSession, dirs: string[], cleanupRoot: string): Promise<void> {
  if (dirs.length === 0) return;
  const list = dirs.map(q).join(" ");
  await ssh.run(`rm -rf ${list}; ${emptyParents(list, cleanupRoot)}`);
}

/** Whether the process a marker names still runs on the host (same pid and start time). */
export async function remoteInUse(ssh: SshSession, marker: Marker | undefined): Promise<boolean> {
  if (!marker || !(marker.pid > 0) || marker.startTime === "") return false;
  return (await remoteStartTime(ssh, marker.pid)) === marker.startTime;
}

/** Creates `dir` with our marker, or adopts it (ours, or unmarked from before markers); refuses another stack's. */
export async function claimRemoteDir(
  ssh: SshSession,
  dir: string,
  owner: { label: string; stackId?: string },
): Promise<void> {
  const marker = await remoteMarker(ssh, dir);
  if (ownerOf(marker, owner.stackId) === "foreign") throw new Error(foreignDirMessage(owner.label, dir, marker!));
  await ssh.run(`mkdir -p ${q(dir)}`);
  if (!marker && owner.stackId !== undefined) {
    await writeRemoteMarkers(ssh, [dir], { stackId: owner.stackId, label: owner.label, pid: 0, startTime: "" });
  }
}

/** Whether `dir` is missing, or empty but for our marker. */
export async function isRemoteFreeFor(ssh: SshSession, dir: string, stackId: string | undefined): Promise<boolean> {
  const r = await ssh.exec(`ls -A ${q(dir)} 2>/dev/null`);
  if (r.code !== 0) return (await ssh.exec(`test -e ${q(dir)}`)).code !== 0;
  const entries = r.stdout.split("\n").filter((e) => e !== "");
  if (entries.length === 0) return true;
  return (
    entries.length === 1 && entries[0] === MARKER_FILE && ownerOf(await remoteMarker(ssh, dir), stackId) === "ours"
  );
}

/** Refuses, before anything stops, a move onto a path that holds data (a move already done is no refusal). */
export async function checkRemoteMove(
  ssh: SshSession,
  from: string,
  to: string,
  owner: { label: string; stackId?: string },
): Promise<void> {
  if ((await ssh.exec(`test -e ${q(from)}`)).code === 0 && !(await isRemoteFreeFor(ssh, to, owner.stackId))) {
    throw new Error(`${owner.label}: ${to} is not empty; ${from} was not moved there (data is never overwritten)`);
  }
}

/**
 * Moves `from` to `to` on the host (`mv`: a rename, or a copy and removal
 * across file systems). `to` may only be missing or empty but for our marker;
 * `from` gone with `to` in place is a move already done.
 */
export async function moveRemoteDir(
  ssh: SshSession,
  from: string,
  to: string,
  owner: { label: string; stackId?: string; cleanupRoot: string },
): Promise<void> {
  if ((await ssh.exec(`test -e ${q(from)}`)).code !== 0) {
    if ((await ssh.exec(`test -e ${q(to)}`)).code === 0) return;
    throw new Error(`${owner.label}: data directory ${from} is missing; nothing to move to ${to}`);
  }
  await checkRemoteMove(ssh, from, to, owner);
  const [f, t] = [q(from), q(to)];
  await ssh.run(
    `rm -f ${q(`${to}/${MARKER_FILE}`)}; if [ -e ${t} ]; then rmdir ${t} || exit 1; fi; ` +
      `mkdir -p "$(dirname ${t})" && [ ! -e ${t} ] && mv -- ${f} ${t}`,
  );
  await ssh.run(emptyParents(f, owner.cleanupRoot));
}
