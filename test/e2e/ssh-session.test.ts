// The ssh target's connection and its Kafka installation against real sshd
// instances (support/sshd.ts) on 127.0.41.1-2, without the Pulumi CLI: a
// host must show its pinned key (a wrong one is refused before anything is
// sent), a command past its deadline fails naming the host and its purpose,
// and kafkaHome carries the stack's owner marker, so another stack's
// installation is refused at create and kept at delete.
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../lib/poll";
import { remoteKafkaInstallProvider, type RemoteKafkaInstallInputs } from "../../infra/targets/remote-install";
import { openSsh, withSsh, type SshConnection } from "../../infra/targets/ssh-session";
import { startSshHosts, type SshHost, type SshHosts } from "../../support/sshd";

const exec = promisify(execFile);
const VERSION = "3.9.2";
let work: string;
let ssh: SshHosts | undefined;
let one: SshHost;
let two: SshHost;

const connection = (h: SshHost, over: Partial<SshConnection> = {}): SshConnection => ({
  host: h.address,
  port: h.port,
  user: h.user,
  privateKey: h.privateKey,
  hostKey: h.hostKey,
  ...over,
});

/** What `ssh-keygen -l` prints for a public key: OpenSSH's own SHA256 fingerprint. */
async function fingerprint(publicKey: string): Promise<string> {
  const file = path.join(work, `${crypto.randomUUID()}.pub`);
  fs.writeFileSync(file, `${publicKey}\n`);
  const { stdout } = await exec("ssh-keygen", ["-l", "-f", file]);
  return stdout.split(" ")[1]!;
}

/** A stand-in release tarball: kafka_2.13-<v>/libs/kafka_2.13-<v>.jar, and its SHA-512. */
async function releaseTarball(): Promise<{ file: string; sha512: string }> {
  const top = `kafka_2.13-${VERSION}`;
  fs.mkdirSync(path.join(work, "release", top, "libs"), { recursive: true });
  fs.writeFileSync(path.join(work, "release", top, "libs", `${top}.jar`), "not really a jar");
  const file = path.join(work, `${top}.tgz`);
  await exec("tar", ["-czf", file, "-C", path.join(work, "release"), top]);
  return { file, sha512: crypto.createHash("sha512").update(fs.readFileSync(file)).digest("hex") };
}

let source: { file: string; sha512: string };
const install = (stackId: string, conn: SshConnection = connection(one)): RemoteKafkaInstallInputs => ({
  label: `hadoop-nn Kafka ${VERSION}`,
  connection: conn,
  version: VERSION,
  source,
  kafkaHome: path.join(work, "data", "hadoop-nn", `kafka_2.13-${VERSION}`),
  cleanupRoot: path.join(work, "data"),
  stackId,
});
const markerOf = (i: RemoteKafkaInstallInputs) => JSON.parse(fs.readFileSync(path.join(i.kafkaHome, "owner"), "utf8"));

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-e2e-ssh-session-"));
  ssh = await startSshHosts({ addresses: ["127.0.41.1", "127.0.41.2"], port: 2223 });
  [one, two] = ssh.hosts as [SshHost, SshHost];
  source = await releaseTarball();
}, 60_000);

afterAll(async () => {
  await ssh?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the host's pinned key", () => {
  it("is accepted when the host shows it", async () => {
    expect(await withSsh(connection(one), (s) => s.run("echo ok"))).toBe("ok\n");
  });

  it("another key is refused before anything is sent, naming the host and both fingerprints", async () => {
    const inputs = install("ssh-a", connection(one, { hostKey: two.hostKey }));
    const refused = remoteKafkaInstallProvider.create!(inputs);
    await expect(refused).rejects.toThrow(
      `ssh ${one.user}@${one.address}:${one.port}: host ${one.address} showed key ${await fingerprint(one.hostKey)}, ` +
        `not the pinned ${await fingerprint(two.hostKey)} (kafka-cluster:hosts[].hostKey); refused before logging in, nothing was sent`,
    );
    expect(fs.existsSync(path.join(work, "data"))).toBe(false);
  });

  it("no key pinned is refused unless the stack ignores host keys", async () => {
    const unpinned = connection(one, { hostKey: undefined });
    await expect(withSsh(unpinned, (s) => s.run("touch /tmp/never"))).rejects.toThrow(
      `no host key is pinned for ${one.address}; set kafka-cluster:hosts[].hostKey`,
    );
    const insecure = { ...unpinned, insecureIgnoreHostKey: true };
    expect(await withSsh(insecure, (s) => s.run("echo ok"))).toBe("ok\n");
  });
});

describe("a remote command's deadline", () => {
  it("fails naming the host and the command's purpose, ends the command and keeps the session usable", async () => {
    const session = await openSsh(connection(one));
    try {
      const started = Date.now();
      await expect(
        session.run("sleep 47.5", undefined, { timeoutMs: 1_000, purpose: "the test's nap" }),
      ).rejects.toThrow(
        `ssh ${one.user}@${one.address}:${one.port}: the test's nap did not finish within 1 s; its channel was closed`,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      // The host's own deadline (timeout -s KILL, seconds after ours) ends it there.
      const sleeping = async () =>
        (await exec("ps", ["-eo", "args"])).stdout.split("\n").some((l) => l === "sleep 47.5");
      await waitFor(async () => !(await sleeping()), { timeoutMs: 15_000, intervalMs: 250, what: "the sleep to end" });
      expect(await session.run("echo still here")).toBe("still here\n");
    } finally {
      session.close();
    }
  });
});

describe("RemoteKafkaInstall's owner marker", () => {
  it("marks kafkaHome with the stack id; another stack's create is refused naming it, and changes nothing", async () => {
    const ours = install("ssh-ours");
    await remoteKafkaInstallProvider.create!(ours);
    expect(markerOf(ours)).toMatchObject({ stackId: "ssh-ours", label: ours.label });
    const before = fs.readdirSync(ours.kafkaHome).sort();
    const theirs = install("ssh-theirs");
    await expect(remoteKafkaInstallProvider.create!(theirs)).rejects.toThrow(
      `${theirs.label}: ${theirs.kafkaHome} on ${one.address} is the Kafka installation of another stack ` +
        `(stack id ssh-ours, ${ours.label}); nothing was changed`,
    );
    expect(fs.readdirSync(ours.kafkaHome).sort()).toEqual(before);
    expect(markerOf(ours).stackId).toBe("ssh-ours");
  });

  it("delete removes only ours: another stack's delete keeps it", async () => {
    const ours = install("ssh-ours");
    await remoteKafkaInstallProvider.delete!("id", install("ssh-theirs"));
    expect(markerOf(ours).stackId).toBe("ssh-ours");
    await remoteKafkaInstallProvider.delete!("id", ours);
    expect(fs.existsSync(path.join(work, "data"))).toBe(false);
  });
});
