// A dynamic provider for one detached process on this machine (a ZooKeeper
// node, broker or service of the `local` target): it writes the files, starts the
// process in its own session with a pid file, and returns only when the
// process is ready; delete stops it and removes the directories it made.
//
// Pulumi serializes these functions into the state, so they require their
// modules inside each method and capture nothing but plain values.
import * as pulumi from "@pulumi/pulumi";
import { contentOf } from "../../lib/file-content";
import { RESTART_KEYS, diffProcess, type ProcessInputs } from "./process-spec";
import { waitUntilReady } from "./readiness";

export type LocalProcessInputs = ProcessInputs;

export interface LocalProcessOutputs extends LocalProcessInputs {
  readonly pid: number;
}

type Inputs = { [K in keyof LocalProcessInputs]: pulumi.Input<LocalProcessInputs[K]> };

async function start(inputs: LocalProcessInputs): Promise<number> {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const { spawn } = require("node:child_process") as typeof import("node:child_process");

  for (const d of [inputs.workDir, ...inputs.dirs]) fs.mkdirSync(d, { recursive: true });
  for (const [file, content] of Object.entries(inputs.files)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contentOf(content));
  }
  const outFile = path.join(inputs.workDir, "process.out");
  const out = fs.openSync(outFile, "a");
  // detached: a session of its own (setsid), so the process outlives `pulumi up`.
  const child = spawn(inputs.command, inputs.args, {
    detached: true,
    stdio: ["ignore", out, out],
    cwd: inputs.workDir,
  });
  fs.closeSync(out);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${inputs.label}: could not start ${inputs.command}`);
  fs.writeFileSync(path.join(inputs.workDir, "pid"), `${pid}\n`);

  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
    } catch {
      return false;
    }
  };
  const tail = (): string => {
    try {
      return `(${outFile})\n${fs.readFileSync(outFile, "utf8").trimEnd().split("\n").slice(-15).join("\n")}`;
    } catch {
      return "";
    }
  };
  try {
    await waitUntilReady(inputs.ready, {
      label: inputs.label,
      timeoutMs: inputs.readyTimeoutMs,
      alive: async () => alive(),
      tail: async () => tail(),
    });
  } catch (err) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
    throw err;
  }
  return pid;
}

/** Stops the process if it is still the one we started; waits for it to exit. */
async function stop(state: LocalProcessOutputs, graceMs: number): Promise<void> {
  const fs = require("node:fs") as typeof import("node:fs");
  const ours = (): boolean => {
    try {
      const cmdline = fs.readFileSync(`/proc/${state.pid}/cmdline`, "utf8");
      const stat = fs.readFileSync(`/proc/${state.pid}/stat`, "utf8");
      // The pid may have been reused: check it still runs our config file.
      return stat.split(") ")[1]?.[0] !== "Z" && cmdline.includes(state.args[state.args.length - 1] ?? "\u0000");
    } catch {
      return false;
    }
  };
  if (!ours()) return;
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
  while (ours()) {
    if (Date.now() > deadline) {
      signal("SIGKILL");
      const killDeadline = Date.now() + 5_000;
      while (ours() && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function removeDirs(state: LocalProcessInputs): void {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const root = path.resolve(state.cleanupRoot);
  for (const d of [...state.dirs, state.workDir]) {
    fs.rmSync(d, { recursive: true, force: true });
    // Then the parents this stack made, while they are empty and inside the root.
    for (let p = path.dirname(path.resolve(d)); p.startsWith(root); p = path.dirname(p)) {
      try {
        fs.rmdirSync(p);
      } catch {
        break; // not empty, or gone
      }
      if (p === root) break;
    }
  }
}

export const localProcessProvider: pulumi.dynamic.ResourceProvider<LocalProcessInputs, LocalProcessOutputs> = {
  async create(inputs) {
    try {
      const pid = await start(inputs);
      return { id: `${inputs.workDir}`, outs: { ...inputs, pid } satisfies LocalProcessOutputs };
    } catch (err) {
      // Nothing half-made: the process (if any) is killed above; remove what we wrote.
      removeDirs(inputs);
      throw err;
    }
  },

  async diff(_id, olds, news) {
    return diffProcess({ ...olds }, { ...news }, RESTART_KEYS);
  },

  async update(_id, olds, news) {
    await stop(olds, 30_000);
    const pid = await start(news);
    return { outs: { ...news, pid } satisfies LocalProcessOutputs };
  },

  async delete(_id, state) {
    // The data goes too, so a long controlled shutdown buys nothing: a short
    // grace (leaders move if they can), then SIGKILL. Restarts (update) wait longer.
    await stop(state, 5_000);
    removeDirs(state);
  },
};

export class LocalProcess extends pulumi.dynamic.Resource {
  declare readonly pid: pulumi.Output<number>;
  constructor(name: string, args: Inputs, opts?: pulumi.CustomResourceOptions) {
    super(localProcessProvider, name, { ...args, pid: undefined }, opts, "kafka-cluster", "LocalProcess");
  }
}
