// Directories on this machine that the local target owns: a data directory
// made (or adopted) with our `owner` marker, moved to a new path without
// ever overwriting data, and removed with its empty parents. Serialized with
// LocalProcess and LocalDataDirectory: modules are required inside.
import { liveStartTime, readMarker, writeMarkers } from "./local-host";
import { MARKER_FILE, foreignDirMessage, ownerOf, type Marker } from "./ownership";

/** Removes `dir`, then its parents while they are empty and inside `cleanupRoot` (the root itself too). */
export function removeWithParents(dir: string, cleanupRoot: string): void {
  const fs = require("node:fs") as typeof import("node:fs");
  fs.rmSync(dir, { recursive: true, force: true });
  removeEmptyParents(dir, cleanupRoot);
}

export function removeEmptyParents(dir: string, cleanupRoot: string): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const root = path.resolve(cleanupRoot);
  for (let p = path.dirname(path.resolve(dir)); p.startsWith(root); p = path.dirname(p)) {
    try {
      fs.rmdirSync(p);
    } catch {
      break; // not empty, or gone
    }
    if (p === root) break;
  }
}

/** Whether the process a marker names still runs (same pid, same start time): its directory is in use. */
export function inUse(marker: Marker | undefined): boolean {
  return !!marker && marker.pid > 0 && marker.startTime !== "" && liveStartTime(marker.pid) === marker.startTime;
}

/**
 * Makes `dir` ours: created with our marker, or adopted when it is already
 * ours or unmarked (made by a version before markers). Another stack's is
 * refused, naming the holder, and left as it is.
 */
export function claimDir(dir: string, owner: { label: string; stackId?: string }): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const marker = readMarker(dir);
  if (ownerOf(marker, owner.stackId) === "foreign") throw new Error(foreignDirMessage(owner.label, dir, marker!));
  fs.mkdirSync(dir, { recursive: true });
  if (!marker && owner.stackId !== undefined) {
    writeMarkers([dir], { stackId: owner.stackId, label: owner.label, pid: 0, startTime: "" });
  }
}

/** Whether `dir` is missing, or empty but for our own marker: a path data may move into. */
export function isFreeFor(dir: string, stackId: string | undefined): boolean {
  const fs = require("node:fs") as typeof import("node:fs");
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return !fs.existsSync(dir);
  }
  if (entries.length === 0) return true;
  return entries.length === 1 && entries[0] === MARKER_FILE && ownerOf(readMarker(dir), stackId) === "ours";
}

/** Refuses, before anything stops, a move onto a path that holds data (a move already done is no refusal). */
export function checkMove(from: string, to: string, owner: { label: string; stackId?: string }): void {
  const fs = require("node:fs") as typeof import("node:fs");
  if (fs.existsSync(from) && !isFreeFor(to, owner.stackId)) {
    throw new Error(`${owner.label}: ${to} is not empty; ${from} was not moved there (data is never overwritten)`);
  }
}

/**
 * Moves the data directory `from` to `to` (a rename; across file systems a
 * copy, then the old one removed). `to` may only be missing or empty but for
 * our marker: data is never overwritten. A `from` already gone with `to` in
 * place (a move done by an earlier, interrupted update) is done.
 */
export function moveDir(
  from: string,
  to: string,
  owner: { label: string; stackId?: string; cleanupRoot: string },
): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  if (!fs.existsSync(from)) {
    if (fs.existsSync(to)) return;
    throw new Error(`${owner.label}: data directory ${from} is missing; nothing to move to ${to}`);
  }
  checkMove(from, to, owner);
  fs.rmSync(path.join(to, MARKER_FILE), { force: true });
  if (fs.existsSync(to)) fs.rmdirSync(to);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    fs.cpSync(from, to, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false });
    fs.rmSync(from, { recursive: true, force: true });
  }
  removeEmptyParents(from, owner.cleanupRoot);
}
