// `pulumi up` of a local stack on addresses of its own: ZooKeeper ensemble and
// three brokers, checked with Kafka's TopicCommand and kcat; a second up
// changes nothing; destroy leaves no process, port or directory behind.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOPIC_COMMAND, parseTopicDescribe, runKafkaToolOk } from "../harness/kafka-tools";
import { readClusterState } from "../harness/zk";
import { pulumiRunner, stageProject, type PulumiRunner } from "./pulumi";

const repoRoot = path.join(__dirname, "..", "..");
const ADDRESSES = ["127.0.30.1", "127.0.30.2", "127.0.30.3"];
const BOOTSTRAP = ADDRESSES.map((a) => `${a}:9092`).join(",");
let work: string;
let dataDir: string;
let pulumi: PulumiRunner;

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
  fs.writeFileSync(path.join(project, "Pulumi.e2e.yaml"), stackConfig(""));
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
    fs.writeFileSync(
      bad,
      stackConfig("  kafka-cluster:zookeeper: { nodes: [hadoop-nn, zk-x] }", '{ heap: "lots" }'),
    );
    const r = await pulumi.fails(["preview", "--config-file", bad]);
    const out = r.stdout + r.stderr;
    expect(out).toContain('kafka-cluster:kafka.heap: must be a JVM heap size such as "1g" or "512m", got "lots"');
    expect(out).toContain('kafka-cluster:zookeeper.nodes[1]: is not one of the hosts (hadoop-nn, hadoop-dn1, hadoop-dn2), got "zk-x"');
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

    await runKafkaToolOk(TOPIC_COMMAND, ["--bootstrap-server", BOOTSTRAP, "--create", "--topic", "e2e-rf3", "--partitions", "3", "--replication-factor", "3"]);
    const text = await runKafkaToolOk(TOPIC_COMMAND, ["--bootstrap-server", BOOTSTRAP, "--describe", "--topic", "e2e-rf3"]);
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
    expect(stdout).toMatch(/9 unchanged/);
  });

  it("destroy stops every process, frees the ports and removes the data directories", async () => {
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await stackProcesses()).toEqual([]);
    for (const a of ADDRESSES) {
      expect(await listening(a, 9092)).toBe(false);
      expect(await listening(a, 2181)).toBe(false);
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
