// A `dataDir` change of a local stack with messages in Hello-Kafka, through
// the real CLI: without `moveData` preview and up are refused naming dataDir
// and both paths, and nothing changes; with `moveData: true` the up moves each
// data directory and every message is still there; destroy leaves nothing.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil, done, notYet } from "../../lib/poll";
import { listening, processesMentioning } from "../../support/processes";
import { pulumiRunner, stageProject, type PulumiRunner } from "../../support/pulumi";

const repoRoot = path.join(__dirname, "..", "..");
const ADDRESSES = ["127.0.33.1", "127.0.33.2", "127.0.33.3"];
const BOOTSTRAP = ADDRESSES.map((a) => `${a}:9092`).join(",");
const MESSAGES = Array.from({ length: 200 }, (_, i) => `message-${String(i).padStart(3, "0")}`);
let work: string;
let oldDir: string;
let newDir: string;
let stackFile: string;
let pulumi: PulumiRunner;

function writeStack(dataDir: string, extra: string[] = []): void {
  fs.writeFileSync(
    stackFile,
    [
      "config:",
      "  kafka-cluster:target: local",
      "  kafka-cluster:hosts:",
      ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
      "  kafka-cluster:zookeeper: { nodes: [hadoop-nn] }",
      `  kafka-cluster:dataDir: ${dataDir}`,
      "  kafka-cluster:kafka: { heap: 512m }",
      "  kafka-cluster:topics:",
      '    - { name: Hello-Kafka, partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" } }',
      "  kafka-cluster:consumer: { enabled: false }",
      ...extra,
      "",
    ].join("\n"),
  );
}

function kcat(args: readonly string[], input = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("kcat", [...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`kcat ${args.join(" ")}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}
const messages = async (): Promise<string[]> =>
  (await kcat(["-C", "-b", BOOTSTRAP, "-t", "Hello-Kafka", "-o", "beginning", "-e", "-q"]))
    .split("\n")
    .filter(Boolean)
    .sort();

/** Every file under `dir` with its size: what a refused change must leave as it is (logs only grow). */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ["owner", "pid", "server.properties", "zoo.cfg", "myid"].includes(e.name))
    .map((e) => `${path.join(e.parentPath, e.name)} ${fs.readFileSync(path.join(e.parentPath, e.name), "utf8")}`)
    .sort();
}
const pids = async (): Promise<string[]> =>
  (await processesMentioning(work)).map((l) => l.trim().split(/\s+/)[0]!).sort();

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-e2e-move-"));
  oldDir = path.join(work, "data");
  newDir = path.join(work, "moved", "data");
  const project = stageProject(repoRoot, path.join(work, "project"));
  stackFile = path.join(project, "Pulumi.move.yaml");
  writeStack(oldDir);
  fs.mkdirSync(path.join(work, "state"));
  pulumi = pulumiRunner(project, path.join(work, "state"));
  await pulumi(["stack", "init", "move"]);
});

afterAll(async () => {
  if (pulumi && (await processesMentioning(work)).length > 0) {
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  }
  fs.rmSync(work, { recursive: true, force: true });
});

describe("a dataDir change of a local stack with messages", () => {
  it("up brings the cluster up, and Hello-Kafka takes messages", async () => {
    await pulumi(["up", "--yes", "--skip-preview"]);
    await kcat(["-P", "-b", BOOTSTRAP, "-t", "Hello-Kafka", "-X", "acks=all"], `${MESSAGES.join("\n")}\n`);
    expect(await messages()).toEqual(MESSAGES);
  });

  it("without moveData: preview and up are refused naming dataDir and both paths; nothing changes", async () => {
    const before = { files: files(oldDir), pids: await pids() };
    writeStack(newDir);
    for (const command of [["preview"], ["up", "--yes"]]) {
      const r = await pulumi.fails(command);
      const out = r.stdout + r.stderr;
      expect(out).toContain(`kafka-cluster:dataDir changed from "${oldDir}" to "${newDir}"`);
      // Pulumi stops at the first refusal: any ZooKeeper node's or broker's data directory.
      expect(out).toMatch(
        new RegExp(`would move from ${oldDir}/(hadoop-[a-z0-9]+/[a-z-]+) to ${newDir}/\\1, and nothing moves data`),
      );
      expect(out).toContain("kafka-cluster:moveData true");
    }
    expect({ files: files(oldDir), pids: await pids() }).toEqual(before);
    expect(fs.existsSync(newDir)).toBe(false);
    expect(await messages()).toEqual(MESSAGES);
  });

  it("with moveData: true, up moves every data directory and every message is still there", async () => {
    writeStack(newDir, ["  kafka-cluster:moveData: true"]);
    await pulumi(["up", "--yes", "--skip-preview"]);
    expect(fs.existsSync(oldDir)).toBe(false);
    for (const h of ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"]) {
      expect(fs.readdirSync(path.join(newDir, h, "kafka-logs"))).toContain("meta.properties");
    }
    const all = await pollUntil(
      async () => {
        const got = await messages().catch(() => []);
        return got.length === MESSAGES.length ? done(got) : notYet(`${got.length} messages`);
      },
      { timeoutMs: 60_000, intervalMs: 1_000, what: "every message back" },
    );
    expect(all).toEqual(MESSAGES);
    await pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
  });

  it("destroy leaves no process, port or directory", async () => {
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await processesMentioning(work)).toEqual([]);
    for (const a of ADDRESSES) expect(await listening(a, 9092)).toBe(false);
    expect(await listening(ADDRESSES[0]!, 2181)).toBe(false);
    expect(fs.existsSync(newDir)).toBe(false);
    expect(fs.existsSync(oldDir)).toBe(false);
  });
});
