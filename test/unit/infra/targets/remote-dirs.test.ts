// The ssh target's directory commands, run for real by a shell on this
// machine in place of an ssh channel: a data directory is claimed, moved
// without overwriting data, and removed with its empty parents.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderMarker } from "../../../../infra/targets/ownership";
import {
  claimRemoteDir,
  moveRemoteDir,
  remoteInUse,
  removeRemoteWithParents,
} from "../../../../infra/targets/remote-dirs";
import { checkRelocation, relocateRemote } from "../../../../infra/targets/remote-service";
import type { ExecResult, SshSession } from "../../../../infra/targets/ssh-session";

/** An SshSession whose commands run in `sh -c` here, as sshd would run them there. */
const shell: SshSession = {
  exec: (command, stdin) =>
    new Promise<ExecResult>((resolve) => {
      const child = execFile("sh", ["-c", command], (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin!.on("error", () => undefined); // a command that reads nothing closes it early
      child.stdin!.end(stdin ?? "");
    }),
  async run(command, stdin) {
    const r = await this.exec(command, stdin);
    if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  },
  upload: async () => undefined,
  close: () => undefined,
};

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "remote-dirs-"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const owner = { label: "hadoop-nn kafka broker 1", stackId: "ssh-mine" };
const markerOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "owner"), "utf8"));

describe("remote data directories", () => {
  it("are claimed with our marker, adopted when unmarked, refused when another stack's", async () => {
    const d = path.join(root, "a", "kafka-logs");
    await claimRemoteDir(shell, d, owner);
    expect(markerOf(d)).toMatchObject({ stackId: "ssh-mine", pid: 0 });
    fs.writeFileSync(path.join(d, "owner"), renderMarker({ stackId: "ssh-theirs", label: "x", pid: 7, startTime: "" }));
    await expect(claimRemoteDir(shell, d, owner)).rejects.toThrow(`${d} belongs to another stack (stack id ssh-theirs`);
  });

  it("move with every file, onto a missing path or our empty claim, never onto data", async () => {
    const [from, to] = [path.join(root, "a", "h", "kafka-logs"), path.join(root, "b", "h", "kafka-logs")];
    await claimRemoteDir(shell, from, owner);
    fs.writeFileSync(path.join(from, "00000.log"), "acknowledged");
    await claimRemoteDir(shell, to, owner);
    await moveRemoteDir(shell, from, to, { ...owner, cleanupRoot: path.join(root, "a") });
    expect(fs.readFileSync(path.join(to, "00000.log"), "utf8")).toBe("acknowledged");
    expect(fs.existsSync(path.join(root, "a"))).toBe(false); // emptied parents, up to and with the old root
    await moveRemoteDir(shell, from, to, { ...owner, cleanupRoot: root }); // already moved: done

    const other = path.join(root, "c");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "x"), "theirs");
    await expect(moveRemoteDir(shell, to, other, { ...owner, cleanupRoot: root })).rejects.toThrow(
      "data is never overwritten",
    );
    expect(fs.readdirSync(other)).toEqual(["x"]);
    expect(fs.readdirSync(to).sort()).toEqual(["00000.log", "owner"]);
  });

  it("a process update refuses a move onto data before it stops anything", async () => {
    const base = { label: owner.label, stackId: owner.stackId, workDir: path.join(root, "run"), cleanupRoot: root };
    const olds = { ...base, dirs: [path.join(root, "a")] } as never;
    const news = { ...base, dirs: [path.join(root, "b")] } as never;
    fs.mkdirSync(path.join(root, "a"));
    fs.mkdirSync(path.join(root, "b"));
    fs.writeFileSync(path.join(root, "b", "x"), "theirs");
    await expect(checkRelocation(shell, olds, news)).rejects.toThrow(`${path.join(root, "b")} is not empty`);
    fs.rmSync(path.join(root, "b", "x"));
    fs.writeFileSync(path.join(root, "a", "00000.log"), "acknowledged");
    await checkRelocation(shell, olds, news);
    await relocateRemote(shell, olds, news);
    expect(fs.readFileSync(path.join(root, "b", "00000.log"), "utf8")).toBe("acknowledged");
  });

  it("are in use while the marker's pid runs with its start time; removed with empty parents", async () => {
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, "utf8");
    const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
    expect(await remoteInUse(shell, { stackId: "s", label: "l", pid: process.pid, startTime })).toBe(true);
    expect(await remoteInUse(shell, { stackId: "s", label: "l", pid: process.pid, startTime: "1" })).toBe(false);
    expect(await remoteInUse(shell, { stackId: "s", label: "l", pid: 0, startTime: "" })).toBe(false);
    const d = path.join(root, "h", "kafka-logs");
    await claimRemoteDir(shell, d, owner);
    await removeRemoteWithParents(shell, [d], root);
    expect(fs.existsSync(root)).toBe(false);
  });
});
