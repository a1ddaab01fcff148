// LocalProcess's ownership on this machine, without a cluster: temp dirs, an
// ephemeral loopback port and `sleep` processes stand in for brokers. A start
// is refused, changing nothing, on another stack's directory or a held port;
// delete never signals or removes what is not ours, and finishes whatever is gone.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localProcessProvider, type LocalProcessOutputs } from "../../../../infra/targets/local-process";
import { liveStartTime } from "../../../../infra/targets/local-host";
import { renderMarker } from "../../../../infra/targets/ownership";

let root: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "local-process-"));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  fs.rmSync(root, { recursive: true, force: true });
});

/** A stand-in process whose last argument is its "config file", in its own session as LocalProcess starts them. */
function sleeper(configFile: string): ChildProcess {
  const c = spawn(process.execPath, ["-e", "setTimeout(() => {}, 300_000)", configFile], {
    detached: true,
    stdio: "ignore",
  });
  children.push(c);
  return c;
}

const alive = (pid: number): boolean => liveStartTime(pid) !== undefined;

function inputs(stackId: string | undefined, extra: Partial<LocalProcessOutputs> = {}) {
  const workDir = path.join(root, "hadoop-nn", "run", "kafka");
  return {
    label: "hadoop-nn kafka broker 1",
    workDir,
    dirs: [path.join(root, "hadoop-nn", "kafka-logs")],
    cleanupRoot: root,
    files: { [path.join(workDir, "server.properties")]: "broker.id=1\n" },
    command: "sleep",
    args: ["300", path.join(workDir, "server.properties")],
    ready: { kind: "tcp" as const, host: "127.0.0.1", port: 1 },
    readyTimeoutMs: 5_000,
    ...(stackId === undefined ? {} : { stackId }),
    ...extra,
  };
}

function markAll(state: ReturnType<typeof inputs>, stackId: string, pid = 4242, startTime = "1"): void {
  for (const d of [state.workDir, ...state.dirs]) {
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "owner"), renderMarker({ stackId, label: "theirs", pid, startTime }));
  }
}

/** Every file under root with its content, to show nothing changed. */
function tree(dir = root): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, tree(p), { [`${p}/`]: "" });
    else out[p] = fs.readFileSync(p, "utf8");
  }
  return out;
}

describe("LocalProcess create refuses, changing nothing", () => {
  it("a directory with another stack's marker, naming the directory and the owner", async () => {
    const mine = inputs("local-mine");
    markAll(mine, "local-theirs");
    const before = tree();
    await expect(localProcessProvider.create!(mine)).rejects.toThrow(
      `hadoop-nn kafka broker 1: ${mine.workDir} belongs to another stack (stack id local-theirs, theirs, pid 4242)`,
    );
    expect(tree()).toEqual(before);
  });

  it("a port another process holds, naming its pid", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const mine = inputs("local-mine", { listens: [{ host: "127.0.0.1", port }] });
      await expect(localProcessProvider.create!(mine)).rejects.toThrow(
        new RegExp(`hadoop-nn kafka broker 1: 127\\.0\\.0\\.1:${port} is held by pid ${process.pid} \\(`),
      );
      expect(fs.readdirSync(root)).toEqual([]);
    } finally {
      server.close();
    }
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("LocalProcess create", () => {
  it("marks its directories with the stack id, pid and start time, and is ready once its own pid holds the port", async () => {
    const port = await freePort();
    const base = inputs("local-mine", { listens: [{ host: "127.0.0.1", port }] });
    const script = `require("node:net").createServer().listen(${port}, "127.0.0.1")`;
    const mine = { ...base, command: process.execPath, args: ["-e", script, base.args[1]!] };
    mine.ready = { kind: "tcp", host: "127.0.0.1", port };
    const outs = (await localProcessProvider.create!(mine)).outs!;
    try {
      expect(outs.startTime).toBe(liveStartTime(outs.pid));
      const marker = { stackId: "local-mine", label: mine.label, pid: outs.pid, startTime: outs.startTime };
      for (const d of [mine.workDir, ...mine.dirs]) {
        expect(JSON.parse(fs.readFileSync(path.join(d, "owner"), "utf8"))).toEqual(marker);
      }
    } finally {
      await localProcessProvider.delete!("id", outs);
    }
    expect(alive(outs.pid)).toBe(false);
    expect(fs.existsSync(mine.workDir)).toBe(false);
  });
});

describe("LocalProcess delete", () => {
  it("of a process whose directories are another stack's: no signal, nothing removed, dropped from state", async () => {
    const state = inputs("local-mine");
    const theirs = sleeper(state.args[1]!);
    markAll(state, "local-theirs", theirs.pid!, liveStartTime(theirs.pid!));
    const before = tree();
    await localProcessProvider.delete!("id", { ...state, pid: theirs.pid!, startTime: liveStartTime(theirs.pid!) });
    expect(alive(theirs.pid!)).toBe(true);
    expect(tree()).toEqual(before);
  });

  it("whose pid was reused by another process: that process is not signalled", async () => {
    const state = inputs("local-mine");
    const other = sleeper(state.args[1]!); // runs even "our" config file: the start time tells it apart
    markAll(state, "local-mine", other.pid!, "1");
    await localProcessProvider.delete!("id", { ...state, pid: other.pid!, startTime: "1" });
    expect(alive(other.pid!)).toBe(true);
    // A process still runs from our config file: the directories are kept with it.
    expect(fs.existsSync(state.workDir)).toBe(true);
  });

  it("of our own process: stopped (pid and start time match) and its work directory removed; its data stays", async () => {
    const state = inputs("local-mine");
    const ours = sleeper(state.args[1]!);
    const startTime = liveStartTime(ours.pid!)!;
    markAll(state, "local-mine", ours.pid!, startTime);
    await localProcessProvider.delete!("id", { ...state, pid: ours.pid!, startTime });
    expect(alive(ours.pid!)).toBe(false);
    expect(fs.existsSync(path.join(root, "hadoop-nn", "run"))).toBe(false); // emptied parents go too
    expect(fs.readdirSync(state.dirs[0]!)).toEqual(["owner"]); // the data directory's own resource removes it
  });

  it("finishes when the process is gone and its directories were removed by hand", async () => {
    const state = inputs("local-mine");
    await localProcessProvider.delete!("id", { ...state, pid: 999_999_999, startTime: "1" });
    expect(fs.existsSync(state.workDir)).toBe(false);
  });

  it("of state from before markers (no stack id, unmarked directories): counts them as ours", async () => {
    const state = inputs(undefined);
    for (const d of [state.workDir, ...state.dirs]) fs.mkdirSync(d, { recursive: true });
    const ours = sleeper(state.args[1]!);
    await localProcessProvider.delete!("id", { ...state, pid: ours.pid! });
    expect(alive(ours.pid!)).toBe(false);
    expect(fs.existsSync(state.workDir)).toBe(false);
    expect(fs.existsSync(state.dirs[0]!)).toBe(true);
  });
});

describe("LocalProcess diff", () => {
  it("a stack id or ports missing from old state are no change; a changed stack id restarts in place", async () => {
    const olds = { ...inputs(undefined), pid: 1 };
    const news = inputs("local-mine", { listens: [{ host: "127.0.0.1", port: 9092 }] });
    expect((await localProcessProvider.diff!("id", olds, news)).changes).toBe(false);
    const marked = { ...news, pid: 1 };
    expect(await localProcessProvider.diff!("id", marked, { ...news, stackId: "other" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
  });
});
