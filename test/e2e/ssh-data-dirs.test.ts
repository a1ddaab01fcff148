// The ssh target's data directories and process moves against a real sshd
// (support/sshd.ts): RemoteDataDirectory makes, adopts and refuses as the
// local one does; a RemoteProcess (a plain process) moved to a new dataDir
// keeps every file; its delete leaves the data; only the directory's own
// delete removes it, and never another stack's.
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMarker } from "../../infra/targets/ownership";
import { remoteDataDirectoryProvider as dirs } from "../../infra/targets/remote-data-directory";
import { remoteProcessProvider as processes } from "../../infra/targets/remote-process";
import { startSshHosts, type SshHosts } from "../../support/sshd";

const ADDRESS = "127.0.34.1";
let ssh: SshHosts;
let root: string;
let connection: { host: string; port: number; user: string; privateKey: string; hostKey: string };

beforeAll(async () => {
  ssh = await startSshHosts({ addresses: [ADDRESS], port: 2234 });
  const h = ssh.hosts[0]!;
  connection = { host: h.address, port: h.port, user: h.user, privateKey: h.privateKey, hostKey: h.hostKey };
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ssh-data-dirs-"));
}, 60_000);
afterAll(async () => {
  await ssh?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const dataDir = (base: string, moveData = false) => ({
  label: "hadoop-nn kafka broker 1",
  connection,
  path: path.join(base, "hadoop-nn", "kafka-logs"),
  cleanupRoot: base,
  stackId: "ssh-mine",
  moveData,
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, ADDRESS, r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

function broker(base: string, port: number) {
  const workDir = path.join(base, "hadoop-nn", "run", "kafka");
  const config = path.join(workDir, "server.properties");
  return {
    label: "hadoop-nn kafka broker 1",
    connection,
    unit: "kafka-cluster-move-kafka",
    serviceManager: "process" as const,
    workDir,
    dirs: [path.join(base, "hadoop-nn", "kafka-logs")],
    cleanupRoot: base,
    files: { [config]: "broker.id=1\n" },
    command: process.execPath,
    args: ["-e", `require("node:net").createServer().listen(${port}, "${ADDRESS}")`, config],
    ready: { kind: "tcp" as const, host: ADDRESS, port },
    readyTimeoutMs: 20_000,
    stackId: "ssh-mine",
    listens: [{ host: ADDRESS, port }],
  };
}

describe("ssh data directories against a real sshd", () => {
  it("a dataDir change with moveData moves the data over ssh: every file kept, old paths gone", async () => {
    const [a, b] = [path.join(root, "a"), path.join(root, "b")];
    const port = await freePort();
    await dirs.create!(dataDir(a));
    const olds = (await processes.create!(broker(a, port))).outs!;
    fs.writeFileSync(path.join(olds.dirs[0]!, "00000.log"), "acknowledged");
    expect((await dirs.check!(dataDir(a), dataDir(b))).failures![0]!.reason).toContain("kafka-cluster:dataDir");
    await dirs.update!("id", dataDir(a), dataDir(b, true));
    const news = (await processes.update!("id", olds, broker(b, port))).outs!;
    expect(fs.readFileSync(path.join(news.dirs[0]!, "00000.log"), "utf8")).toBe("acknowledged");
    expect(JSON.parse(fs.readFileSync(path.join(news.dirs[0]!, "owner"), "utf8")).pid).toBe(news.pid);
    expect(fs.existsSync(a)).toBe(false);

    // The process's delete leaves the data; the directory's own delete removes it and its empty parents.
    await processes.delete!("id", news);
    expect(fs.readFileSync(path.join(news.dirs[0]!, "00000.log"), "utf8")).toBe("acknowledged");
    expect(fs.existsSync(news.workDir)).toBe(false);
    await dirs.delete!("id", dataDir(b));
    expect(fs.existsSync(b)).toBe(false);
  });

  it("another stack's directory: create refused naming it, delete keeps it", async () => {
    const d = dataDir(path.join(root, "c"));
    fs.mkdirSync(d.path, { recursive: true });
    fs.writeFileSync(
      path.join(d.path, "owner"),
      renderMarker({ stackId: "ssh-theirs", label: "theirs", pid: 4242, startTime: "1" }),
    );
    await expect(dirs.create!(d)).rejects.toThrow(`${d.path} belongs to another stack (stack id ssh-theirs`);
    await dirs.delete!("id", d);
    expect(fs.readdirSync(d.path)).toEqual(["owner"]);
  });
});
