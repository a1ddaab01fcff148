// `pulumi up` of a local stack on addresses of its own: ZooKeeper ensemble and
// three brokers, checked with Kafka's TopicCommand and kcat; a second up
// changes nothing; each directory carries the stack's owner marker; a removed
// or renamed topic stays in Kafka with its messages unless its deployed
// declaration allowed data loss; destroy leaves no process, port or directory
// behind.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIG_COMMAND, TOPIC_COMMAND, parseTopicDescribe, runKafkaToolOk } from "../../support/kafka-tools";
import { readClusterState } from "../../support/zk";
import { pulumiRunner, stageProject, type PulumiRunner } from "../../support/pulumi";

const repoRoot = path.join(__dirname, "..", "..");
const ADDRESSES = ["127.0.30.1", "127.0.30.2", "127.0.30.3"];
const BOOTSTRAP = ADDRESSES.map((a) => `${a}:9092`).join(",");
let work: string;
let dataDir: string;
let pulumi: PulumiRunner;
let stackFile: string;

/** Writes a config file outside the stack's own, for `--config-file` previews. */
function configFile(name: string, extra: string): string {
  const file = path.join(work, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, stackConfig(extra));
  return file;
}

/** The resource steps of `pulumi preview --json`, as "op Type::name". */
async function previewSteps(args: string[]): Promise<string[]> {
  const { stdout } = await pulumi(["preview", "--json", ...args]);
  const steps = (JSON.parse(stdout).steps ?? []) as Array<{ op: string; urn: string }>;
  return steps
    .filter((s) => s.op !== "same")
    .map((s) => {
      const [type, name] = s.urn.split("::").slice(-2);
      return `${s.op} ${type.split(":").pop()}::${name}`;
    });
}

async function describeTopic(
  topic: string,
): Promise<{ text: string; partitions: ReturnType<typeof parseTopicDescribe> }> {
  const text = await runKafkaToolOk(TOPIC_COMMAND, ["--bootstrap-server", BOOTSTRAP, "--describe", "--topic", topic]);
  return { text, partitions: parseTopicDescribe(text) };
}

/** `kafka-cluster:topics` as YAML flow mappings, one per line. */
function topicsConfig(...topics: object[]): string {
  return ["  kafka-cluster:topics:", ...topics.map((t) => `    - ${JSON.stringify(t)}`)].join("\n");
}
const HELLO = { name: "Hello-Kafka", partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" } };

function stackConfig(extra: string, kafka = "{ heap: 512m }"): string {
  return [
    "config:",
    "  kafka-cluster:target: local",
    "  kafka-cluster:hosts:",
    ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
    `  kafka-cluster:dataDir: ${dataDir}`,
    `  kafka-cluster:kafka: ${kafka}`,
    extra,
  ].join("\n");
}

/** Processes whose command line mentions the stack's data dir. */
async function stackProcesses(): Promise<string[]> {
  const { stdout } = await promisify(execFile)("ps", ["-eo", "pid,args"]);
  return stdout.split("\n").filter((l) => l.includes(dataDir) && !l.includes(" ps "));
}

/** Runs kcat with `input` on its stdin. */
function kcat(args: readonly string[], input = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("kcat", [...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`kcat ${args.join(" ")}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}
const produce = (topic: string, messages: readonly string[]): Promise<string> =>
  kcat(["-P", "-b", BOOTSTRAP, "-t", topic, "-X", "acks=all"], `${messages.join("\n")}\n`);
/** Every message of the topic, sorted (partitions interleave). */
const messagesOf = async (topic: string): Promise<string[]> =>
  (await kcat(["-C", "-b", BOOTSTRAP, "-t", topic, "-o", "beginning", "-e", "-q"])).split("\n").filter(Boolean).sort();
const topicNames = async (): Promise<string[]> =>
  (await runKafkaToolOk(TOPIC_COMMAND, ["--bootstrap-server", BOOTSTRAP, "--list"])).split("\n").filter(Boolean);
const stateTopics = async (): Promise<string[]> =>
  JSON.parse((await pulumi(["stack", "export"])).stdout)
    .deployment.resources.filter((r: { type: string }) => r.type.endsWith(":KafkaTopic"))
    .map((r: { inputs: { name: string } }) => r.inputs.name)
    .sort();

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-e2e-"));
  dataDir = path.join(work, "data");
  const project = stageProject(repoRoot, work);
  fs.mkdirSync(path.join(work, "state"));
  fs.writeFileSync(path.join(project, "Pulumi.e2e.yaml"), stackConfig(topicsConfig(HELLO)));
  stackFile = path.join(project, "Pulumi.e2e.yaml");
  pulumi = pulumiRunner(project, path.join(work, "state"));
  await pulumi(["stack", "init", "e2e"]);
});

afterAll(async () => {
  // If a test failed half-way, take the stack down anyway.
  if (pulumi && (await stackProcesses()).length > 0) {
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  }
  fs.rmSync(work, { recursive: true, force: true });
});

describe("local stack, end to end", () => {
  it("refuses bad config at preview, listing every problem with its path and value, creating nothing", async () => {
    const bad = path.join(work, "Pulumi.bad.yaml"); // used through --config-file
    fs.writeFileSync(bad, stackConfig("  kafka-cluster:zookeeper: { nodes: [hadoop-nn, zk-x] }", '{ heap: "lots" }'));
    const r = await pulumi.fails(["preview", "--config-file", bad]);
    const out = r.stdout + r.stderr;
    expect(out).toContain('kafka-cluster:kafka.heap: must be a JVM heap size such as "1g" or "512m", got "lots"');
    expect(out).toContain(
      'kafka-cluster:zookeeper.nodes[1]: is not one of the hosts (hadoop-nn, hadoop-dn1, hadoop-dn2), got "zk-x"',
    );
    expect(out).toContain("invalid stack config (3 problems)");
    expect(fs.existsSync(dataDir)).toBe(false);
    expect(await stackProcesses()).toEqual([]);
  });

  it("up brings ZooKeeper and three brokers up, ready, with the stack outputs", async () => {
    await pulumi(["up", "--yes", "--skip-preview"]);
    const { stdout } = await pulumi(["stack", "output", "--json"]);
    const outputs = JSON.parse(stdout);
    expect(outputs.bootstrapServers).toBe(BOOTSTRAP);
    expect(outputs.zookeeperConnect).toBe(ADDRESSES.map((a) => `${a}:2181`).join(","));
    expect(outputs.brokers).toEqual([
      { id: 1, host: "hadoop-nn", address: ADDRESSES[0], port: 9092 },
      { id: 2, host: "hadoop-dn1", address: ADDRESSES[1], port: 9092 },
      { id: 3, host: "hadoop-dn2", address: ADDRESSES[2], port: 9092 },
    ]);
    const state = await readClusterState(outputs.zookeeperConnect, 5_000);
    expect(state.brokerIds).toEqual([1, 2, 3]);
    expect(state.controller).not.toBeNull();
  });

  it("Kafka's TopicCommand and kcat see three brokers; a topic with replication factor 3 has a full ISR", async () => {
    const { stdout: meta } = await promisify(execFile)("kcat", ["-L", "-b", BOOTSTRAP, "-m", "10"]);
    expect(meta).toMatch(/ 3 brokers:/);
    for (const [i, a] of ADDRESSES.entries()) expect(meta).toContain(`broker ${i + 1} at ${a}:9092`);

    await runKafkaToolOk(TOPIC_COMMAND, [
      "--bootstrap-server",
      BOOTSTRAP,
      "--create",
      "--topic",
      "e2e-rf3",
      "--partitions",
      "3",
      "--replication-factor",
      "3",
    ]);
    const text = await runKafkaToolOk(TOPIC_COMMAND, [
      "--bootstrap-server",
      BOOTSTRAP,
      "--describe",
      "--topic",
      "e2e-rf3",
    ]);
    const partitions = parseTopicDescribe(text);
    expect(partitions).toHaveLength(3);
    for (const p of partitions) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
    }
    // The brokers run with the careful defaults.
    expect(text).toMatch(/ReplicationFactor: 3/);
  });

  it("a second up changes nothing", async () => {
    const { stdout } = await pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    // --expect-no-changes fails the run on any change; this checks the report too.
    expect(stdout).toMatch(/Resources:\s+\d+ unchanged\s*\n\s*\n/);
    // No runtime warnings in the user's output (kafkajs's negative timers on Node 24 were one).
    expect(stdout).not.toMatch(/\(node:\d+\)|Warning:/);
  });

  it("every process's run and data directories carry the stack's owner marker, with its pid and start time", async () => {
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
    const resources = state.deployment.resources as Array<{ type: string; outputs: Record<string, never> }>;
    const stackId = resources.find((r) => r.type.endsWith(":StackIdentity"))!.outputs.stackId;
    expect(stackId).toMatch(/^e2e-[0-9a-f]{16}$/);
    const processes = resources.filter((r) => r.type.endsWith(":LocalProcess"));
    expect(processes.length).toBeGreaterThanOrEqual(6);
    for (const { outputs: o } of processes) {
      const startTime = fs.readFileSync(`/proc/${o.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[19];
      expect(o.startTime).toBe(startTime);
      for (const dir of [o.workDir, ...(o.dirs as string[])]) {
        const marker = JSON.parse(fs.readFileSync(path.join(dir, "owner"), "utf8"));
        expect(marker).toEqual({ stackId, label: o.label, pid: o.pid, startTime });
      }
    }
  });

  it("a topic's state is small: its provider is a loader, not the provider's code", async () => {
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
    const topic = state.deployment.resources.find(
      (r: { type: string }) => r.type === "pulumi-nodejs:dynamic/kafka-cluster:KafkaTopic",
    );
    expect(topic.inputs.name).toBe("Hello-Kafka");
    expect(topic.inputs.__provider).toContain("topic-provider.js");
    expect(topic.outputs.__provider).toBe(topic.inputs.__provider);
    // Pulumi's own serialization of topics/provider.ts put about 33 KB here, twice.
    expect(JSON.stringify(topic).length).toBeLessThan(4_000);
  });

  it("Hello-Kafka exists as declared: 3 partitions, replication factor 3, full ISR, min.insync.replicas=2", async () => {
    const { text, partitions } = await describeTopic("Hello-Kafka");
    expect(partitions).toHaveLength(3);
    for (const p of partitions) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
    }
    expect(text.split("\n")[0]).toMatch(/Configs: .*min\.insync\.replicas=2/);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
    expect(outputs.topics).toEqual({
      "Hello-Kafka": { partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" } },
    });
  });

  it("preview shows a partition increase as an in-place update and a rename as a replacement", async () => {
    const grow = configFile("grow", topicsConfig({ ...HELLO, partitions: 6 }));
    expect(await previewSteps(["--config-file", grow])).toEqual(["update KafkaTopic::Hello-Kafka"]);
    const rename = configFile("rename", topicsConfig({ ...HELLO, id: "Hello-Kafka", name: "Hello-Kafka-v2" }));
    const steps = await previewSteps(["--config-file", rename]);
    expect(steps).toContain("replace KafkaTopic::Hello-Kafka");
    expect(steps.filter((s) => !s.endsWith("::Hello-Kafka"))).toEqual([]);
  });

  it("preview refuses a partition decrease with the topic manager's message, and nothing changes", async () => {
    const shrink = configFile("shrink", topicsConfig({ ...HELLO, partitions: 2 }));
    const r = await pulumi.fails(["preview", "--config-file", shrink]);
    expect(r.stdout + r.stderr).toContain(`cannot decrease the partitions of "Hello-Kafka" from 3 to 2`);
    expect((await describeTopic("Hello-Kafka")).partitions).toHaveLength(3);
  });

  it("up grows Hello-Kafka to 6 partitions in place: same topic id, full ISR", async () => {
    const before = (await describeTopic("Hello-Kafka")).text.match(/TopicId: (\S+)/)?.[1];
    fs.writeFileSync(stackFile, stackConfig(topicsConfig({ ...HELLO, partitions: 6 })));
    const { stdout } = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(stdout).toMatch(/1 updated/);
    const { text, partitions } = await describeTopic("Hello-Kafka");
    expect(text.match(/TopicId: (\S+)/)?.[1]).toBe(before);
    expect(partitions).toHaveLength(6);
    for (const p of partitions) expect(p.isr).toHaveLength(3);
  });

  it("refresh sees a declared setting changed outside Pulumi, and the next up puts it back", async () => {
    await runKafkaToolOk(CONFIG_COMMAND, [
      "--bootstrap-server",
      BOOTSTRAP,
      "--alter",
      "--entity-type",
      "topics",
      "--entity-name",
      "Hello-Kafka",
      "--add-config",
      "min.insync.replicas=1",
    ]);
    await pulumi(["refresh", "--yes", "--skip-preview"]);
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
    const topic = state.deployment.resources.find((r: { type: string }) => r.type.endsWith(":KafkaTopic"));
    expect(topic.outputs.config).toEqual({ "min.insync.replicas": "1" });
    await pulumi(["up", "--yes", "--skip-preview"]);
    expect((await describeTopic("Hello-Kafka")).text.split("\n")[0]).toMatch(/min\.insync\.replicas=2/);
  });

  it("an existing topic is refused until declared with import: true, then adopted without being recreated", async () => {
    await runKafkaToolOk(TOPIC_COMMAND, [
      "--bootstrap-server",
      BOOTSTRAP,
      "--create",
      "--topic",
      "e2e-adopt",
      "--partitions",
      "2",
      "--replication-factor",
      "3",
    ]);
    const id = (await describeTopic("e2e-adopt")).text.match(/TopicId: (\S+)/)?.[1];
    const adopt = { name: "e2e-adopt", partitions: 2, replicationFactor: 3 };
    fs.writeFileSync(stackFile, stackConfig(topicsConfig({ ...HELLO, partitions: 6 }, adopt)));
    const refused = await pulumi.fails(["up", "--yes", "--skip-preview"]);
    expect(refused.stdout + refused.stderr).toMatch(/already exists.*import: true/s);
    fs.writeFileSync(stackFile, stackConfig(topicsConfig({ ...HELLO, partitions: 6 }, { ...adopt, import: true })));
    const { stdout } = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(stdout).toMatch(/1 created/); // adopted: the topic keeps its id
    expect((await describeTopic("e2e-adopt")).text.match(/TopicId: (\S+)/)?.[1]).toBe(id);
    fs.writeFileSync(stackFile, stackConfig(topicsConfig({ ...HELLO, partitions: 6 }, adopt)));
    await pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
  });

  // The config the adoption test leaves: Hello-Kafka (6 partitions) and e2e-adopt, managed.
  const BASE = [
    { ...HELLO, partitions: 6 },
    { name: "e2e-adopt", partitions: 2, replicationFactor: 3 },
  ];
  const KEPT = ["k1", "k2", "k3", "k4", "k5"];

  it("a topic removed without allowDataLoss leaves the stack but stays in Kafka, with its messages", async () => {
    fs.writeFileSync(stackFile, stackConfig(topicsConfig(...BASE, { name: "e2e-keep", partitions: 2 })));
    await pulumi(["up", "--yes", "--skip-preview"]);
    await produce("e2e-keep", KEPT);
    fs.writeFileSync(stackFile, stackConfig(topicsConfig(...BASE)));
    const { stdout } = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(stdout).toMatch(/e2e-keep.*\[retain\]/);
    expect(await stateTopics()).toEqual(["Hello-Kafka", "e2e-adopt"]);
    expect(await messagesOf("e2e-keep")).toEqual(KEPT);
    expect((await describeTopic("e2e-keep")).partitions).toHaveLength(2);
  });

  it("a rename creates the new topic and keeps the old one with its messages", async () => {
    const moving = { id: "e2e-moving", name: "e2e-old", partitions: 1 };
    fs.writeFileSync(stackFile, stackConfig(topicsConfig(...BASE, moving)));
    await pulumi(["up", "--yes", "--skip-preview"]);
    await produce("e2e-old", ["m1", "m2", "m3"]);
    fs.writeFileSync(stackFile, stackConfig(topicsConfig(...BASE, { ...moving, name: "e2e-new" })));
    await pulumi(["up", "--yes", "--skip-preview"]);
    expect(await messagesOf("e2e-old")).toEqual(["m1", "m2", "m3"]);
    expect(await messagesOf("e2e-new")).toEqual([]);
    expect(await stateTopics()).toEqual(["Hello-Kafka", "e2e-adopt", "e2e-new"]);
  });

  it("a topic is deleted only after a deployment that said allowDataLoss: true (rename, then removal)", async () => {
    const moving = { id: "e2e-moving", name: "e2e-new", partitions: 1, allowDataLoss: true };
    fs.writeFileSync(stackFile, stackConfig(topicsConfig(...BASE, moving)));
    await pulumi(["up", "--yes", "--skip-preview"]);
    // The rename now replaces the topic: e2e-new is deleted, e2e-newer created.
    fs.writeFileSync(stackFile, stackConfig(topicsConfig(...BASE, { ...moving, name: "e2e-newer" })));
    await pulumi(["up", "--yes", "--skip-preview"]);
    expect(await topicNames()).not.toContain("e2e-new");
    expect(await topicNames()).toContain("e2e-newer");
    // Declared with allowDataLoss from its creation: its removal deletes it.
    fs.writeFileSync(stackFile, stackConfig(topicsConfig(...BASE)));
    await pulumi(["up", "--yes", "--skip-preview"]);
    const names = await topicNames();
    expect(names).not.toContain("e2e-newer");
    expect(names).toEqual(expect.arrayContaining(["e2e-keep", "e2e-old"]));
  });

  it("destroy stops every process, frees the ports and removes the data directories", async () => {
    const { stdout } = await pulumi(["destroy", "--yes", "--skip-preview"]);
    // Topics are retained (no admin call): the cluster's own removal takes their data.
    expect(stdout).toMatch(/Hello-Kafka.*\[retain\]/);
    expect(await stackProcesses()).toEqual([]);
    for (const a of ADDRESSES) {
      expect(await listening(a, 9092)).toBe(false);
      expect(await listening(a, 2181)).toBe(false);
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
