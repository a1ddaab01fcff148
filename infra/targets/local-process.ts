// A dynamic provider for one detached process on this machine (a ZooKeeper
// node, broker or service of the `local` target): it writes the files, starts the
// process in its own session with a pid file and an `owner` marker, and
// returns only when the process is ready; delete stops it and removes its work
// directory. Its data directories are resources of their own
// (local-data-directory.ts): no change or delete of a process removes them; a
// new data path moves them (update). Nothing of another stack is signalled or removed
// (infra/targets/ownership.ts); a cluster that is gone is still destroyed.
//
// Pulumi serializes these functions into the state, so they require their
// modules inside each method and capture nothing but plain values.
import * as pulumi from "@pulumi/pulumi";
import { contentOf } from "../../lib/file-content";
import { checkMove, moveDir, removeWithParents } from "./local-dirs";
import { checkStart, cmdlineOf, listensOn, liveStartTime, pidsRunning, readMarker, writeMarkers } from "./local-host";
import { isOurProcess, ownerOf, recordedStartTime } from "./ownership";
import { restartInTurn } from "../roll/index";
import {
  RESTART_KEYS,
  codeOnly,
  diffProcess,
  rewriteOnly,
  type ProcessInputs,
  type ProcessRunState,
} from "./process-spec";
import { waitUntilReady } from "./readiness";

export type LocalProcessInputs = ProcessInputs;

export interface LocalProcessOutputs extends LocalProcessInputs, ProcessRunState {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat when started; absent in state of older versions. */
  readonly startTime?: string;
}

type Inputs = { [K in keyof LocalProcessInputs]: pulumi.Input<LocalProcessInputs[K]> };

const configFileOf = (s: LocalProcessInputs): string => s.args[s.args.length - 1] ?? "\u0000";

async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (liveStartTime(pid) !== undefined) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function writeFiles(inputs: LocalProcessInputs): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  for (const [file, content] of Object.entries(inputs.files)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contentOf(content));
  }
}

function spawnDetached(inputs: LocalProcessInputs, outFile: string): number {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const { spawn } = require("node:child_process") as typeof import("node:child_process");
  for (const d of [inputs.workDir, ...inputs.dirs]) fs.mkdirSync(d, { recursive: true });
  writeFiles(inputs);
  const out = fs.openSync(outFile, "a");
  // detached: a session of its own (setsid), so the process outlives `pulumi up`.
  const child = spawn(inputs.command, inputs.args, {
    detached: true,
    stdio: ["ignore", out, out],
    cwd: inputs.workDir,
  });
  fs.closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`${inputs.label}: could not start ${inputs.command}`);
  fs.writeFileSync(path.join(inputs.workDir, "pid"), `${child.pid}\n`);
  return child.pid;
}

/** Starts the process (checkStart first) and waits until it, not another, is ready. */
async function start(inputs: LocalProcessInputs): Promise<{ pid: number; startTime: string }> {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const outFile = path.join(inputs.workDir, "process.out");
  const pid = spawnDetached(inputs, outFile);
  const startTime = liveStartTime(pid) ?? "";
  const tail = (): string => {
    try {
      return `(${outFile})\n${fs.readFileSync(outFile, "utf8").trimEnd().split("\n").slice(-15).join("\n")}`;
    } catch {
      return "";
    }
  };
  try {
    if (inputs.stackId !== undefined) {
      writeMarkers([inputs.workDir, ...inputs.dirs], { stackId: inputs.stackId, label: inputs.label, pid, startTime });
    }
    await waitUntilReady(inputs.ready, {
      label: inputs.label,
      timeoutMs: inputs.readyTimeoutMs,
      alive: async () => liveStartTime(pid) === startTime,
      tail: async () => tail(),
      owns: async () => (inputs.listens ?? []).every((at) => listensOn(pid, at)),
    });
  } catch (err) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
    await gone(pid, 5_000);
    throw err;
  }
  return { pid, startTime };
}

/**
 * Stops the process if it is still the one we started (same pid and start
 * time; older state: same config file) and waits for it to exit. A pid that
 * is gone or reused is left alone. "foreign" when the work directory carries
 * another stack's marker: nothing is signalled.
 */
async function stop(state: LocalProcessOutputs, graceMs: number): Promise<"stopped" | "foreign"> {
  const marker = readMarker(state.workDir);
  if (ownerOf(marker, state.stackId) === "foreign") return "foreign";
  const recorded = recordedStartTime(state, marker);
  const ours = (): boolean =>
    isOurProcess({
      pid: state.pid,
      recordedStartTime: recorded,
      liveStartTime: liveStartTime(state.pid),
      runsOurConfig: cmdlineOf(state.pid).includes(configFileOf(state)),
    });
  if (!ours()) return "stopped";
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-state.pid, sig); // the whole session's group
    } catch {
      try {
        process.kill(state.pid, sig);
      } catch {
        // gone
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (ours() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (ours()) {
    signal("SIGKILL");
    const killDeadline = Date.now() + 5_000;
    while (ours() && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  }
  return "stopped";
}

/**
 * Removes the process's work directory (config, pid file, output) when it is
 * ours (our marker, or none: made before markers), then its empty parents up
 * to cleanupRoot. Nothing is removed while a process still runs our config
 * file (e.g. another checkout's broker on the same paths). Data directories
 * are not the process's to remove.
 */
function removeWorkDir(state: LocalProcessInputs): void {
  const running = pidsRunning(configFileOf(state));
  if (running.length > 0) {
    console.warn(`${state.label}: pid ${running.join(", ")} still runs from ${state.workDir}; it is kept`);
    return;
  }
  if (ownerOf(readMarker(state.workDir), state.stackId) === "foreign") {
    console.warn(`${state.label}: ${state.workDir} belongs to another stack; kept`);
    return;
  }
  removeWithParents(state.workDir, state.cleanupRoot);
}

/** The data directories whose path changes: [old, new]. */
const moves = (olds: LocalProcessInputs, news: LocalProcessInputs): [string, string][] =>
  olds.dirs.flatMap((from, i) => {
    const to = news.dirs[i];
    return to !== undefined && to !== from ? [[from, to] as [string, string]] : [];
  });

/** Between the stop of the old process and the start of the new: data moved to new paths, an old work directory removed. */
function relocate(olds: LocalProcessOutputs, news: LocalProcessInputs): void {
  for (const [from, to] of moves(olds, news)) moveDir(from, to, { ...news, cleanupRoot: olds.cleanupRoot });
  if (olds.workDir !== news.workDir) removeWorkDir(olds);
}

const foreignMessage = (s: LocalProcessInputs): string => {
  const m = readMarker(s.workDir);
  return `${s.label}: ${s.workDir} belongs to another stack (stack id ${m?.stackId}, pid ${m?.pid})`;
};

export const localProcessProvider: pulumi.dynamic.ResourceProvider<LocalProcessInputs, LocalProcessOutputs> = {
  async create(inputs) {
    checkStart(inputs); // refuses before anything is written
    try {
      const started = await start(inputs);
      return { id: `${inputs.workDir}`, outs: { ...inputs, ...started } satisfies LocalProcessOutputs };
    } catch (err) {
      // Nothing half-made: the process (if any) is killed above; remove what we wrote (its data directories are not ours).
      removeWorkDir(inputs);
      throw err;
    }
  },

  async diff(_id, olds, news) {
    return diffProcess({ ...olds }, { ...news }, RESTART_KEYS);
  },

  async update(_id, olds, news) {
    // New code only (state of a version that removed data on delete): nothing restarts.
    if (codeOnly({ ...olds }, { ...news })) return { outs: { ...news, pid: olds.pid, startTime: olds.startTime } };
    // Settings Kafka applies live (LiveBrokerSettings does): the file is rewritten for the next start, no restart.
    if (rewriteOnly({ ...olds }, { ...news })) {
      writeFiles(news);
      return { outs: { ...news, pid: olds.pid, startTime: olds.startTime } };
    }
    for (const [from, to] of moves(olds, news)) checkMove(from, to, news); // before anything stops
    let started: { pid: number; startTime: string } | undefined;
    // One broker (or ensemble node) at a time, each gated (infra/roll/); other processes at once.
    await restartInTurn(news.roll, { label: news.label, expectRunning: olds.running !== false }, async () => {
      if ((await stop(olds, 30_000)) === "foreign") throw new Error(`${foreignMessage(olds)}: not restarted`);
      relocate(olds, news);
      checkStart(news);
      started = await start(news);
    });
    return { outs: { ...news, ...started! } satisfies LocalProcessOutputs };
  },

  // Self-healing: a refresh notes a process that is gone (the pid exited or
  // is another's now); the next `up` starts it again on its data.
  async read(id, props) {
    const state = props as LocalProcessOutputs;
    const live = state.pid > 0 ? liveStartTime(state.pid) : undefined;
    const alive = live !== undefined && (state.startTime === undefined || live === state.startTime);
    const { running: _was, ...rest } = state;
    return { id, props: alive ? rest : { ...rest, running: false } };
  },

  async delete(_id, state) {
    // A short grace (leaders move if they can), then SIGKILL: the data
    // directories stay (their own resources). Restarts (update) wait longer.
    if ((await stop(state, 5_000)) === "foreign") {
      console.warn(`${foreignMessage(state)}: left running and dropped from this stack's state`);
      return;
    }
    removeWorkDir(state);
  },
};

export class LocalProcess extends pulumi.dynamic.Resource {
  declare readonly pid: pulumi.Output<number>;
  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(localProcessProvider, name, { ...args, pid: undefined }, opts, "kafka-cluster", "LocalProcess");
  }
}
