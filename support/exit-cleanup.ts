// Last-resort clean-up for test harnesses: child process groups and temp dirs
// that must not outlive the test process, killed and removed when it exits or
// gets SIGINT, SIGTERM or SIGHUP without having stopped them itself.
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";

const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let hooksInstalled = false;

/** Signals the process group of a detached child, unless it has exited. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function killAllNow(): void {
  for (const child of liveChildren) killGroup(child, "SIGKILL");
  for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAllNow();
      process.off(signal, onSignal);
      // Keep the default behaviour (exit) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** SIGKILLs the child's process group if this process ends while the child still runs. */
export function killOnExit(child: ChildProcess): void {
  installExitHooks();
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

/** Removes dir if this process ends first; call the returned function once it is removed. */
export function removeOnExit(dir: string): () => void {
  installExitHooks();
  liveDirs.add(dir);
  return () => liveDirs.delete(dir);
}
