// The ssh target end to end against real sshd instances on loopback
// addresses 127.0.40.1-3, one per host (support/sshd.ts): `pulumi up`
// uploads a Kafka release tarball and starts ZooKeeper, the brokers and the
// consumer service over SSH as plain processes (no systemd here); Kafka's
// TopicCommand and kcat see the cluster; a second up changes nothing; every
// directory carries the stack's owner marker; a host showing another key
// than its pinned one is refused and nothing changes; destroy, with a broker killed
// and its directories gone, leaves no process, port or directory behind.
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_VERSION, kafkaLibsDir } from "../../lib/toolchain";
import { getJson, waitUntil } from "../../support/consumer-service";
import { TOPIC_COMMAND, parseTopicDescribe, runKafkaToolOk } from "../../support/kafka-tools";
import { listening, processesMentioning } from "../../support/processes";
import { fingerprintOf } from "../../lib/ssh-host-key";
import { startSshHosts, type SshHost, type SshHosts } from "../../support/sshd";
import { pulumiRunner, stageProject, type PulumiRunner } from "../../support/pulumi";

const exec = promisify(execFile);
const repoRoot = path.join(__dirname, "..", "..");
const ADDRESSES = ["127.0.40.1", "127.0.40.2", "127.0.40.3"];
const NAMES = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"];
const BOOTSTRAP = ADDRESSES.map((a) => `${a}:9092`).join(",");
const SSH_PORT = 2222;
const CONSUMER_PORT = 8080;
let work: string;
let dataDir: string;
let ssh: SshHosts | undefined;
let pulumi: PulumiRunner;

const stackProcesses = (): Promise<string[]> => processesMentioning(dataDir);

/** Every owner marker under dataDir, by path. */
function markers(dir = dataDir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && !e.isSymbolicLink()) Object.assign(out, markers(p));
    else if (e.name === "owner") out[p] = fs.readFileSync(p, "utf8");
  }
  return out;
}

/** A Kafka release tarball (kafka_2.13-<v>/libs/...) made from the cached jars. */
async function makeReleaseTarball(): Promise<string> {
  const root = path.join(work, "release");
  const top = `kafka_2.13-${KAFKA_VERSION}`;
  fs.mkdirSync(path.join(root, top), { recursive: true });
  fs.symlinkSync(kafkaLibsDir(), path.join(root, top, "libs"));
  const tarball = path.join(work, `${top}.tgz`);
  await exec("tar", ["-czhf", tarball, "--exclude=.complete", "-C", root, top]);
  return tarball;
}

function sha512Of(file: string): string {
  return crypto.createHash("sha512").update(fs.readFileSync(file)).digest("hex");
}

async function fullIsr(topic: string, partitions: number): Promise<void> {
  const text = await runKafkaToolOk(TOPIC_COMMAND, ["--bootstrap-server", BOOTSTRAP, "--describe", "--topic", topic]);
  const described = parseTopicDescribe(text);
  expect(described).toHaveLength(partitions);
  for (const p of described) {
    expect([...p.replicas].sort()).toEqual([1, 2, 3]);
    expect([...p.isr].sort()).toEqual([1, 2, 3]);
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-e2e-ssh-"));
  dataDir = path.join(work, "data");
  ssh = await startSshHosts({ addresses: ADDRESSES, port: SSH_PORT });
  const tarball = await makeReleaseTarball();
  const project = stageProject(repoRoot, work);
  fs.writeFileSync(
    path.join(project, "Pulumi.ssh.yaml"),
    [
      "config:",
      "  kafka-cluster:target: ssh",
      // No systemd here: the plain-process service manager, as on such hosts.
      "  kafka-cluster:serviceManager: process",
      `  kafka-cluster:dataDir: ${dataDir}`,
      // Each host checks the uploaded tarball against it before unpacking.
      `  kafka-cluster:kafka: { heap: 512m, distribution: { file: "${tarball}", sha512: ${sha512Of(tarball)} } }`,
      // Off by default on ssh; the hosts here have Node.js (/usr/bin/node).
      `  kafka-cluster:consumer: { enabled: true, port: ${CONSUMER_PORT}, windowMs: 1000 }`,
      "",
    ].join("\n"),
  );
  fs.mkdirSync(path.join(work, "state"));
  pulumi = pulumiRunner(project, path.join(work, "state"));
  await pulumi(["stack", "init", "ssh"]);
  // One set-all: `config set` would read a value starting with "-----BEGIN" as a flag.
  const settings = ssh.hosts.flatMap((h, i) => {
    const at = `kafka-cluster:hosts[${i}]`;
    return [
      ...[
        "--plaintext",
        `${at}.name=${NAMES[i]}`,
        "--plaintext",
        `${at}.address=${h.address}`,
        "--plaintext",
        `${at}.user=${h.user}`,
      ],
      // Each sshd's own key, pinned: the program refuses a host without one.
      ...["--plaintext", `${at}.port=${h.port}`, "--plaintext", `${at}.hostKey=${h.hostKey}`],
      ...["--secret", `${at}.privateKey=${h.privateKey}`],
    ];
  });
  await pulumi(["config", "set-all", "--path", ...settings]);
}, 180_000);

afterAll(async () => {
  // A test failed half-way: take the stack down while sshd still runs. Stopping
  // sshd then kills whatever is left (each sshd has its own PID namespace).
  if (pulumi && (await stackProcesses()).length > 0) {
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  }
  await ssh?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("ssh stack, end to end", () => {
  it("up installs Kafka over SSH and brings ZooKeeper, three brokers and the consumer up as plain processes", async () => {
    await pulumi(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
    expect(outputs.target).toBe("ssh");
    expect(outputs.bootstrapServers).toBe(BOOTSTRAP);
    expect(outputs.zookeeperConnect).toBe(ADDRESSES.map((a) => `${a}:2181`).join(","));
    expect(outputs.healthUrl).toBe(`http://${ADDRESSES[0]}:${CONSUMER_PORT}/health`);
    // Each host got its own Kafka installation from the uploaded tarball.
    for (const n of NAMES) {
      expect(
        fs.existsSync(path.join(dataDir, n, `kafka_2.13-${KAFKA_VERSION}`, "libs", `kafka_2.13-${KAFKA_VERSION}.jar`)),
      ).toBe(true);
    }
    // Plain processes with pid files, no systemd units.
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
    const services = state.deployment.resources.filter((r: { type: string }) => r.type.endsWith(":RemoteProcess"));
    expect(services.map((r: { outputs: { manager: string } }) => r.outputs.manager)).toEqual(Array(7).fill("process"));
    const units = fs.existsSync("/etc/systemd/system") ? fs.readdirSync("/etc/systemd/system") : [];
    expect(units.filter((u) => u.startsWith("kafka-cluster-ssh-"))).toEqual([]);
    const procs = await stackProcesses();
    expect(procs.filter((l) => l.includes("QuorumPeerMain"))).toHaveLength(3);
    expect(procs.filter((l) => l.includes("kafka.Kafka"))).toHaveLength(3);
    expect(procs.filter((l) => l.includes("consumer.js"))).toHaveLength(1);
  });

  it("Kafka's TopicCommand and kcat see three brokers; Hello-Kafka and a new replication-factor-3 topic have a full ISR", async () => {
    const { stdout: meta } = await exec("kcat", ["-L", "-b", BOOTSTRAP, "-m", "10"]);
    expect(meta).toMatch(/ 3 brokers:/);
    for (const [i, a] of ADDRESSES.entries()) expect(meta).toContain(`broker ${i + 1} at ${a}:9092`);
    await fullIsr("Hello-Kafka", 3);
    await runKafkaToolOk(TOPIC_COMMAND, [
      "--bootstrap-server",
      BOOTSTRAP,
      "--create",
      "--topic",
      "ssh-rf3",
      "--partitions",
      "3",
      "--replication-factor",
      "3",
    ]);
    await fullIsr("ssh-rf3", 3);
  });

  it("the consumer service's healthUrl answers 200 with every Hello-Kafka partition ok", async () => {
    const url = `http://${ADDRESSES[0]}:${CONSUMER_PORT}/health`;
    const h = await waitUntil("healthUrl to answer 200", 60_000, async () => {
      const a = await getJson(url).catch(() => undefined);
      return a?.status === 200 ? a : undefined;
    });
    const hello = h.body.partitions.filter((p: { topic: string }) => p.topic === "Hello-Kafka");
    expect(hello.map((p: { state: string }) => p.state)).toEqual(["ok", "ok", "ok"]);
  });

  it("keeps the private keys secret in the state", async () => {
    const { stdout } = await pulumi(["stack", "export"]);
    expect(stdout).not.toContain("PRIVATE KEY");
    expect(stdout).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret signature
  });

  it("a second up changes nothing", async () => {
    const { stdout } = await pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    expect(stdout).toMatch(/Resources:\s+\d+ unchanged\s*\n\s*\n/);
  });

  it("a host showing another key than the pinned one is refused naming both fingerprints; nothing on it changes", async () => {
    const [nn, dn1] = ssh!.hosts as [SshHost, SshHost];
    const before = { processes: await stackProcesses(), markers: markers() };
    await pulumi(["config", "set", "--path", "kafka-cluster:hosts[0].hostKey", dn1.hostKey]);
    const r = await pulumi.fails(["up", "--yes", "--skip-preview"]);
    const blob = (k: string) => Buffer.from(k.split(" ")[1]!, "base64");
    expect(`${r.stdout}${r.stderr}`).toContain(
      `host ${nn.address} showed key ${fingerprintOf(blob(nn.hostKey))}, not the pinned ${fingerprintOf(blob(dn1.hostKey))}`,
    );
    expect({ processes: await stackProcesses(), markers: markers() }).toEqual(before);
    // The right key again: nothing was recorded, nothing to do.
    await pulumi(["config", "set", "--path", "kafka-cluster:hosts[0].hostKey", nn.hostKey]);
    await pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
  });

  it("every process's run and data directories carry the stack's owner marker, with the pid it runs as", async () => {
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
    const processes = state.deployment.resources.filter((r: { type: string }) => r.type.endsWith(":RemoteProcess"));
    const stackId = state.deployment.resources.find((r: { type: string }) => r.type.endsWith(":StackIdentity")).outputs
      .stackId;
    expect(stackId).toMatch(/^ssh-[0-9a-f]{16}$/);
    expect(processes).toHaveLength(7);
    for (const { outputs: o } of processes as Array<{ outputs: Record<string, never> }>) {
      for (const dir of [o.workDir, ...(o.dirs as string[])]) {
        const marker = JSON.parse(fs.readFileSync(path.join(dir, "owner"), "utf8"));
        expect(marker).toEqual({ stackId, label: o.label, pid: o.pid, startTime: o.startTime });
      }
    }
    const installs = state.deployment.resources.filter((r: { type: string }) => r.type.endsWith(":RemoteKafkaInstall"));
    expect(installs).toHaveLength(3);
    for (const { outputs: o } of installs as Array<{ outputs: { kafkaHome: string; label: string } }>) {
      const marker = JSON.parse(fs.readFileSync(path.join(o.kafkaHome, "owner"), "utf8"));
      expect(marker).toEqual({ stackId, label: o.label, pid: 0, startTime: "" });
    }
  });

  it("destroy stops every service, frees the ports and removes what it installed, with a broker killed and its directories gone", async () => {
    // Broken before destroy: broker 3 SIGKILLed, its run and log directories removed.
    const broker3 = (await stackProcesses()).find((l) => l.includes("kafka.Kafka") && l.includes("/hadoop-dn2/"));
    process.kill(Number(broker3!.trim().split(/\s+/)[0]), "SIGKILL");
    for (const d of ["run/kafka", "kafka-logs"]) fs.rmSync(path.join(dataDir, "hadoop-dn2", d), { recursive: true });
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await stackProcesses()).toEqual([]);
    for (const a of ADDRESSES) {
      expect(await listening(a, 9092)).toBe(false);
      expect(await listening(a, 2181)).toBe(false);
    }
    expect(await listening(ADDRESSES[0]!, CONSUMER_PORT)).toBe(false);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
