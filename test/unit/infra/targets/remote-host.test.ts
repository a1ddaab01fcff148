// RemoteProcess's start check over a fake SSH session: what the host answers
// (ss, /proc, the owner file) decides whether a start goes ahead and how a
// refusal names the holder.
import { describe, expect, it } from "vitest";
import { checkRemoteStart, remotePidsRunning } from "../../../../infra/targets/remote-host";
import { renderMarker } from "../../../../infra/targets/ownership";
import type { ExecResult, SshSession } from "../../../../infra/targets/ssh-session";

/** A session answering each command by the first matching rule; anything else fails as a missing file would. */
function fakeSsh(rules: Array<[RegExp, string]>): SshSession & { commands: string[] } {
  const commands: string[] = [];
  const exec = async (command: string): Promise<ExecResult> => {
    commands.push(command);
    const hit = rules.find(([re]) => re.test(command));
    return hit ? { code: 0, stdout: hit[1], stderr: "" } : { code: 1, stdout: "", stderr: "" };
  };
  return {
    commands,
    exec,
    run: async (c) => (await exec(c)).stdout,
    upload: async () => undefined,
    close: () => undefined,
  };
}

const inputs = {
  label: "hadoop-nn zookeeper (myid 1)",
  stackId: "ssh-mine",
  workDir: "/d/hadoop-nn/run/zookeeper",
  dirs: ["/d/hadoop-nn/zookeeper"],
  listens: [{ host: "10.0.0.1", port: 2181 }],
};
const SSHD = 'LISTEN 0 128 10.0.0.1:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))\n';

describe("checkRemoteStart", () => {
  it("goes ahead when ss lists nothing on the port and no directory is another stack's", async () => {
    await expect(checkRemoteStart(fakeSsh([[/ss -Hltnp/, SSHD]]), inputs)).resolves.toBeUndefined();
  });

  it("names the pid ss shows, and whose it is from the owner file in its working directory", async () => {
    const theirs = renderMarker({ stackId: "ssh-theirs", label: inputs.label, pid: 4242, startTime: "77" });
    const ssh = fakeSsh([
      [/ss -Hltnp/, `${SSHD}LISTEN 0 50 [::ffff:10.0.0.1]:2181 *:* users:(("java",pid=4242,fd=9))\n`],
      [/readlink \/proc\/4242\/cwd/, "/e/hadoop-nn/run/zookeeper\n"],
      [/cmdline/, "java QuorumPeerMain /e/zoo.cfg"],
      [/cat \/e\/hadoop-nn\/run\/zookeeper\/owner/, theirs],
      [/cat \/proc\/4242\/stat/, "4242 (java) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0"],
    ]);
    await expect(checkRemoteStart(ssh, inputs)).rejects.toThrow(
      "hadoop-nn zookeeper (myid 1): 10.0.0.1:2181 is held by pid 4242 (hadoop-nn zookeeper (myid 1) of another " +
        "stack (stack id ssh-theirs) at /e/hadoop-nn/run/zookeeper); nothing was changed",
    );
    expect(ssh.commands.some((c) => /mkdir|cat >|rm /.test(c))).toBe(false);
  });

  it("says another process when ss shows no pid (another user's, another PID namespace)", async () => {
    const ssh = fakeSsh([[/ss -Hltnp/, `${SSHD}LISTEN 0 50 0.0.0.0:2181 0.0.0.0:*\n`]]);
    await expect(checkRemoteStart(ssh, inputs)).rejects.toThrow("10.0.0.1:2181 is held by another process");
  });

  it("without ss, reads /proc/net/tcp", async () => {
    const tcp = "   0: 0100000A:0885 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0\n";
    await expect(checkRemoteStart(fakeSsh([[/proc\/net\/tcp/, tcp]]), inputs)).rejects.toThrow(
      "is held by another process",
    );
    await expect(checkRemoteStart(fakeSsh([[/proc\/net\/tcp/, ""]]), inputs)).resolves.toBeUndefined();
  });

  it("refuses a directory with another stack's owner file", async () => {
    const theirs = renderMarker({ stackId: "ssh-theirs", label: "x", pid: 1, startTime: "1" });
    const ssh = fakeSsh([
      [/ss -Hltnp/, SSHD],
      [/cat \/d\/hadoop-nn\/zookeeper\/owner/, theirs],
    ]);
    await expect(checkRemoteStart(ssh, inputs)).rejects.toThrow(
      "hadoop-nn zookeeper (myid 1): /d/hadoop-nn/zookeeper belongs to another stack (stack id ssh-theirs, x, pid 1)",
    );
  });
});

describe("remotePidsRunning", () => {
  it("reads grep's list of /proc/<pid>/cmdline files", async () => {
    const ssh = fakeSsh([[/grep -lzxF/, "/proc/12/cmdline\n/proc/345/cmdline\n"]]);
    expect(await remotePidsRunning(ssh, "/d/zoo.cfg")).toEqual([12, 345]);
  });
});
