// The consumer service deployed by `pulumi up` on a local stack of its own
// (127.0.24.x): healthUrl answers 200 once the cluster is healthy; bad
// consumer config fails preview; destroy stops the service.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, waitUntil } from "../../support/consumer-service";
import { listening, processesMentioning } from "../../support/processes";
import { pulumiRunner, stageProject, type PulumiRunner } from "../../support/pulumi";

const repoRoot = path.join(__dirname, "..", "..");
const PREFIX = process.env.KAFKA_CLUSTER_CONSUMER_E2E_PREFIX ?? "127.0.24";
const ADDRESSES = [1, 2, 3].map((i) => `${PREFIX}.${i}`);
let work: string;
let dataDir: string;
let pulumi: PulumiRunner;

function stackConfig(consumer: string): string {
  return [
    "config:",
    "  kafka-cluster:target: local",
    "  kafka-cluster:hosts:",
    ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
    "  kafka-cluster:zookeeper: { nodes: [hadoop-nn] }",
    `  kafka-cluster:dataDir: ${dataDir}`,
    "  kafka-cluster:kafka: { heap: 512m }",
    '  kafka-cluster:topics: [{ name: Hello-Kafka, partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2" } }]',
    `  kafka-cluster:consumer: ${consumer}`,
  ].join("\n");
}

const stackProcesses = (): Promise<string[]> => processesMentioning(dataDir);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-consumer-e2e-"));
  dataDir = path.join(work, "data");
  const project = stageProject(repoRoot, work);
  fs.mkdirSync(path.join(work, "state"));
  fs.writeFileSync(path.join(project, "Pulumi.consumer.yaml"), stackConfig("{ windowMs: 1000 }"));
  pulumi = pulumiRunner(project, path.join(work, "state"));
  await pulumi(["stack", "init", "consumer"]);
});

afterAll(async () => {
  if (pulumi && (await stackProcesses()).length > 0)
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("consumer service deployed by Pulumi", () => {
  it("refuses bad consumer config at preview, with the path and value", async () => {
    const bad = path.join(work, "Pulumi.bad.yaml");
    fs.writeFileSync(bad, stackConfig("{ port: 9092, windowMs: 10 }"));
    const r = await pulumi.fails(["preview", "--config-file", bad]);
    const out = r.stdout + r.stderr;
    expect(out).toContain("kafka-cluster:consumer.windowMs: Too small: expected number to be >=100, got 10");
    expect(out).not.toContain("kafka-cluster:consumer.port"); // reported once the shape is valid
    fs.writeFileSync(bad, stackConfig("{ port: 9092 }"));
    const r2 = await pulumi.fails(["preview", "--config-file", bad]);
    expect(r2.stdout + r2.stderr).toContain(
      "kafka-cluster:consumer.port: hadoop-nn already uses it for broker 1, got 9092",
    );
  });

  it("up runs it after the topic exists; healthUrl answers 200 with every partition ok", async () => {
    await pulumi(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
    expect(outputs.healthUrl).toBe(`http://${ADDRESSES[0]}:8080/health`);
    const h = await waitUntil("healthUrl to answer 200", 60_000, async () => {
      const a = await getJson(outputs.healthUrl).catch(() => undefined);
      return a?.status === 200 ? a : undefined;
    });
    expect(h.body.partitions.map((p: { topic: string; state: string }) => `${p.topic}:${p.state}`)).toEqual(
      Array(3).fill("Hello-Kafka:ok"),
    );
    expect(fs.readFileSync(path.join(dataDir, "hadoop-nn", "consumer", "consumer.env"), "utf8")).toContain(
      `HTTP_HOST="${ADDRESSES[0]}"`,
    );
    // The bundle, as on the other targets, with the service's heap limits.
    const script = path.join(dataDir, "hadoop-nn", "consumer", "consumer.js");
    expect(fs.statSync(script).size).toBeGreaterThan(10_000);
    const service = (await stackProcesses()).filter((l) => l.includes(script));
    expect(service).toHaveLength(1);
    expect(service[0]).toContain("--max-semi-space-size=1 --max-old-space-size=64");
  });

  it("destroy stops it: the port closes and no process of the stack is left", async () => {
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await listening(ADDRESSES[0]!, 8080)).toBe(false);
    expect(await stackProcesses()).toEqual([]);
  });
});
