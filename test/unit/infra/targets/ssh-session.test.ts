// What the ssh session decides without a host: the host's own deadline
// wrapped around a command, and a change of host verification alone, which
// is recorded without restarting a process (the real sshd: test/e2e/ssh-session.test.ts).
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { remoteProcessProvider } from "../../../../infra/targets/remote-process";
import { diffOfConnection, verifiedLike, withHostDeadline } from "../../../../infra/targets/ssh-session";

const run = promisify(execFile);
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko";
const conn = { host: "10.0.0.1", port: 22, user: "kafka", privateKey: "k" };

describe("withHostDeadline", () => {
  it("runs the command as it is, quotes and all, with its exit code and stdin", async () => {
    const cmd = withHostDeadline(`printf '%s|' "it's" "$(cat)"; exit 3`, 10_000);
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn("sh", ["-c", cmd]);
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d));
      child.on("close", (code: number | null) => resolve({ code, out }));
      child.stdin.end("in");
    });
    expect(r).toEqual({ code: 3, out: "it's|in|" });
    expect(cmd).toContain("timeout -s KILL 15 sh -c");
  });

  it("kills the command on the host once its deadline (plus a grace) has passed", async () => {
    const started = Date.now();
    await expect(run("sh", ["-c", withHostDeadline("sleep 30", 0)])).rejects.toMatchObject({ signal: "SIGKILL" }); // timeout KILLs its group, itself too
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);
});

describe("a change of host verification alone", () => {
  const process = {
    label: "l",
    workDir: "/w",
    dirs: [],
    cleanupRoot: "/",
    files: {},
    command: "c",
    args: [],
    ready: {},
    readyTimeoutMs: 1,
    unit: "u",
    serviceManager: "auto",
  };

  it("is a change that restarts nothing: a key pinned on a running process's host", async () => {
    const olds = { ...process, connection: conn, manager: "process", pid: 7, startTime: "9" };
    const news = { ...process, connection: { ...conn, hostKey: KEY } };
    expect(await remoteProcessProvider.diff!("id", olds as never, news as never)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    expect(diffOfConnection(olds, news, () => ({ changes: false })).restart).toBe(false);
    // update only connects, to check the host shows it: test/e2e/ssh-stack.test.ts.
  });

  it("a new private key still restarts (the providers' rule), with or without a pinned key", () => {
    const d = diffOfConnection(
      { connection: { ...conn, hostKey: KEY } },
      { connection: { ...conn, hostKey: KEY, privateKey: "k2" } },
      (o, n) => ({ changes: JSON.stringify(o) !== JSON.stringify(n) }),
    );
    expect(d).toEqual({ changes: true, restart: true });
  });
});

describe("verifiedLike", () => {
  it("gives a connection from older state the current verification of the same host", () => {
    expect(verifiedLike(conn, { ...conn, privateKey: "k2", hostKey: KEY })).toEqual({ ...conn, hostKey: KEY });
  });

  it("keeps an older connection to another host as it is", () => {
    expect(verifiedLike(conn, { ...conn, host: "10.0.0.2", hostKey: KEY })).toEqual(conn);
  });
});
