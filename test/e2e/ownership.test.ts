// Two checkouts of the same local stack (two Pulumi state dirs, the same
// addresses and dataDir) through the real CLI: the second `up` fails naming
// the first's process that holds its data directory and changes nothing; the second's destroy
// leaves the first running; then the first's brokers are SIGKILLed and its
// data removed, and its destroy still finishes, leaving nothing behind.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listening, processesMentioning } from "../../support/processes";
import { pulumiRunner, stageProject, type PulumiRunner } from "../../support/pulumi";
import { readClusterState } from "../../support/zk";

const repoRoot = path.join(__dirname, "..", "..");
const ADDRESSES = ["127.0.31.1", "127.0.31.2", "127.0.31.3"];
const ZK = `${ADDRESSES[0]}:2181`;
let work: string;
let dataDir: string;
let first: PulumiRunner;
let second: PulumiRunner;

/** One checkout: a staged project with the stack's file, and a state dir of its own. */
async function checkout(name: string): Promise<PulumiRunner> {
  const dir = path.join(work, name);
  const project = stageProject(repoRoot, dir);
  fs.writeFileSync(
    path.join(project, "Pulumi.local.yaml"),
    [
      "config:",
      "  kafka-cluster:target: local",
      "  kafka-cluster:hosts:",
      ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
      "  kafka-cluster:zookeeper: { nodes: [hadoop-nn] }",
      `  kafka-cluster:dataDir: ${dataDir}`,
      "  kafka-cluster:kafka: { heap: 512m }",
      // Processes only: topics and the service have their own tests.
      "  kafka-cluster:topics: []",
      "  kafka-cluster:consumer: { enabled: false }",
      "",
    ].join("\n"),
  );
  fs.mkdirSync(path.join(dir, "state"));
  const runner = pulumiRunner(project, path.join(dir, "state"));
  await runner(["stack", "init", "local"]);
  return runner;
}

const stackProcesses = (): Promise<string[]> => processesMentioning(dataDir);
const pidsOf = async (mainClass: string): Promise<number[]> =>
  (await stackProcesses()).filter((l) => l.includes(mainClass)).map((l) => Number(l.trim().split(/\s+/)[0]));

/** The markers, pid files and configs under dataDir: what a refused or foreign run must not touch. */
function ownedFiles(dir = dataDir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, ownedFiles(p));
    else if (["owner", "pid", "server.properties", "zoo.cfg"].includes(e.name)) out[p] = fs.readFileSync(p, "utf8");
  }
  return out;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-e2e-owner-"));
  dataDir = path.join(work, "data");
  first = await checkout("first");
  second = await checkout("second");
});

afterAll(async () => {
  for (const runner of [second, first]) {
    if (runner && (await stackProcesses()).length > 0) {
      await runner(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
});

describe("two checkouts of one stack on the same addresses and dataDir", () => {
  let before: Record<string, string>;
  let pids: number[];

  it("the first up brings its cluster up and marks every directory with its stack id", async () => {
    await first(["up", "--yes", "--skip-preview"]);
    before = ownedFiles();
    const markers = Object.entries(before).filter(([f]) => f.endsWith("/owner"));
    expect(markers).toHaveLength(2 * 4); // work dir and data dir of 1 ZooKeeper node and 3 brokers
    const ids = new Set(markers.map(([, m]) => JSON.parse(m).stackId));
    expect([...ids]).toEqual([expect.stringMatching(/^local-[0-9a-f]{16}$/)]);
    pids = [...(await pidsOf("QuorumPeerMain")), ...(await pidsOf("kafka.Kafka"))];
    expect(pids).toHaveLength(4);
  });

  it("the second up fails naming the first's process that holds its data directory, and changes nothing", async () => {
    // The data directories are made before their processes (their own resources), so the
    // first refusal is a directory's: the first's marker there names its process and pid.
    const r = await second.fails(["up", "--yes", "--skip-preview"]);
    const out = r.stdout + r.stderr;
    // Pulumi creates them in parallel: whichever is refused first names its holder, the first's process there.
    const label = "(hadoop-[a-z0-9]+) (?:zookeeper \\(myid \\d\\)|kafka broker \\d)";
    const refused = new RegExp(
      `${label}: ${dataDir}/\\1/(?:zookeeper|kafka-logs) belongs to another stack ` +
        `\\(stack id local-[0-9a-f]{16}, ${label}, pid (\\d+)\\); nothing was changed`,
    ).exec(out);
    expect(refused, out).not.toBeNull();
    expect(pids).toContain(Number(refused![3]));
    expect(ownedFiles()).toEqual(before);
    expect([...(await pidsOf("QuorumPeerMain")), ...(await pidsOf("kafka.Kafka"))]).toEqual(pids);
    const state = await readClusterState(ZK, 5_000);
    expect(state.brokerIds).toEqual([1, 2, 3]);
  });

  it("the second's destroy finishes and leaves the first's cluster as it was", async () => {
    await second(["destroy", "--yes", "--skip-preview"]);
    expect(ownedFiles()).toEqual(before);
    expect([...(await pidsOf("QuorumPeerMain")), ...(await pidsOf("kafka.Kafka"))]).toEqual(pids);
    await first(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
  });

  it("the first's destroy finishes with its brokers SIGKILLed and its data removed, leaving nothing", async () => {
    for (const pid of await pidsOf("kafka.Kafka")) process.kill(pid, "SIGKILL");
    fs.rmSync(path.join(dataDir, "hadoop-dn1"), { recursive: true, force: true }); // broker 2: everything
    for (const h of ["hadoop-nn", "hadoop-dn2"]) fs.rmSync(path.join(dataDir, h, "kafka-logs"), { recursive: true });
    await first(["destroy", "--yes", "--skip-preview"]);
    expect(await stackProcesses()).toEqual([]);
    for (const a of ADDRESSES) expect(await listening(a, 9092)).toBe(false);
    expect(await listening(ADDRESSES[0]!, 2181)).toBe(false);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
