// The data directories of the local target and the moves of LocalProcess, on
// this machine with real processes: a process's change or delete never removes
// data, a new data path is refused unless moveData, and a move keeps every file.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localDataDirectoryProvider as dirs } from "../../../../infra/targets/local-data-directory";
import { localProcessProvider as processes } from "../../../../infra/targets/local-process";
import { liveStartTime } from "../../../../infra/targets/local-host";
import { renderMarker } from "../../../../infra/targets/ownership";

let root: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "data-dir-"));
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  fs.rmSync(root, { recursive: true, force: true });
});

const dataDir = (base = root, stackId: string | undefined = "local-mine", moveData = false) => ({
  label: "hadoop-nn kafka broker 1",
  path: path.join(base, "hadoop-nn", "kafka-logs"),
  cleanupRoot: base,
  moveData,
  ...(stackId === undefined ? {} : { stackId }),
});
const marker = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "owner"), "utf8"));
const mark = (dir: string, stackId: string, pid = 4242, startTime = "1") => {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "owner"), renderMarker({ stackId, label: "theirs", pid, startTime }));
};

describe("a data directory's check and diff", () => {
  it("refuses a new path without moveData, naming dataDir, both paths and the two ways on", async () => {
    const olds = dataDir(path.join(root, "a"));
    const news = dataDir(path.join(root, "b"));
    const { failures } = await dirs.check!(olds, news);
    expect(failures).toHaveLength(1);
    expect(failures![0]!.property).toBe("path");
    const reason = failures![0]!.reason;
    for (const text of ["kafka-cluster:dataDir", olds.cleanupRoot, news.cleanupRoot, olds.path, news.path]) {
      expect(reason).toContain(text);
    }
    expect(reason).toContain("kafka-cluster:moveData true");
    expect(reason).toContain("pulumi destroy");
  });

  it("allows a new path with moveData, a first create, and the same path", async () => {
    const news = dataDir(path.join(root, "b"), "local-mine", true);
    expect((await dirs.check!(dataDir(path.join(root, "a")), news)).failures).toEqual([]);
    expect((await dirs.check!({} as never, dataDir())).failures).toEqual([]);
    expect((await dirs.check!(dataDir(), dataDir())).failures).toEqual([]);
  });

  it("never replaces; moveData alone is no change", async () => {
    expect(await dirs.diff!("id", dataDir(), dataDir(root, "local-mine", true))).toEqual({
      changes: false,
      replaces: [],
    });
    expect(await dirs.diff!("id", dataDir(), dataDir(path.join(root, "b"), "local-mine", true))).toEqual({
      changes: true,
      replaces: [],
    });
  });
});

describe("a data directory's create", () => {
  it("makes the directory with the stack's marker", async () => {
    const d = dataDir();
    await dirs.create!(d);
    expect(marker(d.path)).toMatchObject({ stackId: "local-mine", pid: 0 });
  });

  it("adopts a directory of an older version (unmarked), keeping its data", async () => {
    const d = dataDir();
    fs.mkdirSync(d.path, { recursive: true });
    fs.writeFileSync(path.join(d.path, "00000.log"), "data");
    await dirs.create!(d);
    expect(fs.readFileSync(path.join(d.path, "00000.log"), "utf8")).toBe("data");
    expect(marker(d.path).stackId).toBe("local-mine");
  });

  it("refuses another stack's, naming it, and changes nothing", async () => {
    const d = dataDir();
    mark(d.path, "local-theirs");
    await expect(dirs.create!(d)).rejects.toThrow(
      `hadoop-nn kafka broker 1: ${d.path} belongs to another stack (stack id local-theirs, theirs, pid 4242)`,
    );
    expect(marker(d.path).stackId).toBe("local-theirs");
  });
});

describe("a data directory's delete", () => {
  it("removes ours with its empty parents", async () => {
    const d = dataDir();
    await dirs.create!(d);
    await dirs.delete!("id", d);
    expect(fs.existsSync(root)).toBe(false);
  });

  it("keeps another stack's, and one a live process of ours still uses", async () => {
    const theirs = dataDir();
    mark(theirs.path, "local-theirs");
    await dirs.delete!("id", theirs);
    expect(marker(theirs.path).stackId).toBe("local-theirs");

    const c = spawn("sleep", ["300"], { stdio: "ignore" });
    children.push(c);
    mark(theirs.path, "local-mine", c.pid!, liveStartTime(c.pid!));
    await dirs.delete!("id", theirs);
    expect(fs.existsSync(theirs.path)).toBe(true);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** A broker stand-in: listens on `port`, its last argument its config file. */
function brokerIn(base: string, port: number) {
  const workDir = path.join(base, "hadoop-nn", "run", "kafka");
  const config = path.join(workDir, "server.properties");
  return {
    label: "hadoop-nn kafka broker 1",
    workDir,
    dirs: [path.join(base, "hadoop-nn", "kafka-logs")],
    cleanupRoot: base,
    files: { [config]: "broker.id=1\n" },
    command: process.execPath,
    args: ["-e", `require("node:net").createServer().listen(${port}, "127.0.0.1")`, config],
    ready: { kind: "tcp" as const, host: "127.0.0.1", port },
    readyTimeoutMs: 10_000,
    stackId: "local-mine",
    listens: [{ host: "127.0.0.1", port }],
  };
}

describe("LocalProcess with its data directory", () => {
  it("a dataDir change with moveData: stopped, data moved (every file kept), old paths removed, started", async () => {
    const port = await freePort();
    const [a, b] = [path.join(root, "a"), path.join(root, "b")];
    await dirs.create!(dataDir(a));
    const olds = (await processes.create!(brokerIn(a, port))).outs!;
    fs.writeFileSync(path.join(olds.dirs[0]!, "00000.log"), "acknowledged");
    await dirs.update!("id", dataDir(a), dataDir(b, "local-mine", true));
    const news = (await processes.update!("id", olds, brokerIn(b, port))).outs!;
    try {
      expect(liveStartTime(olds.pid)).toBeUndefined();
      expect(fs.readFileSync(path.join(news.dirs[0]!, "00000.log"), "utf8")).toBe("acknowledged");
      expect(marker(news.dirs[0]!)).toMatchObject({ stackId: "local-mine", pid: news.pid });
      expect(fs.existsSync(a)).toBe(false); // old data and work directories, and their parents
    } finally {
      await processes.delete!("id", news);
    }
  });

  it("a replace or delete of the process leaves the data directory", async () => {
    const port = await freePort();
    await dirs.create!(dataDir());
    const outs = (await processes.create!(brokerIn(root, port))).outs!;
    fs.writeFileSync(path.join(outs.dirs[0]!, "00000.log"), "acknowledged");
    await processes.delete!("id", outs);
    expect(liveStartTime(outs.pid)).toBeUndefined();
    expect(fs.readFileSync(path.join(outs.dirs[0]!, "00000.log"), "utf8")).toBe("acknowledged");
    expect(fs.existsSync(outs.workDir)).toBe(false);
  });

  it("never moves data onto a non-empty path: the data directory's update refuses, nothing changed", async () => {
    const [a, b] = [path.join(root, "a"), path.join(root, "b")];
    await dirs.create!(dataDir(a));
    const target = dataDir(b, "local-mine", true).path;
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, "other.log"), "someone's");
    await expect(dirs.update!("id", dataDir(a), dataDir(b, "local-mine", true))).rejects.toThrow(
      `${target} is not empty`,
    );
    expect(fs.readdirSync(target)).toEqual(["other.log"]);
  });

  it("the process's update refuses to move onto a non-empty path too, before it stops anything", async () => {
    const port = await freePort();
    const [a, b] = [path.join(root, "a"), path.join(root, "b")];
    await dirs.create!(dataDir(a));
    const olds = (await processes.create!(brokerIn(a, port))).outs!;
    const target = brokerIn(b, port).dirs[0]!;
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, "other.log"), "someone's");
    try {
      await expect(processes.update!("id", olds, brokerIn(b, port))).rejects.toThrow("data is never overwritten");
      expect(fs.readdirSync(target)).toEqual(["other.log"]);
      expect(fs.readdirSync(olds.dirs[0]!)).toEqual(["owner"]);
      expect(liveStartTime(olds.pid)).toBe(olds.startTime);
    } finally {
      await processes.delete!("id", olds);
    }
  });
});
