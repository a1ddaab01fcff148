// Prometheus deployed by `pulumi up` beside the consumer service on a local
// stack of its own (127.0.28.x, `monitoring: { prometheus: true }`): it
// scrapes the service and loads the shipped rules; destroy leaves no process,
// port or file behind.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../support/consumer-service";
import { listening, processesMentioning } from "../../support/processes";
import { PROMETHEUS } from "../../support/prometheus";
import { pulumiRunner, stageProject, type PulumiRunner } from "../../support/pulumi";

const repoRoot = path.join(__dirname, "..", "..");
const PREFIX = process.env.KAFKA_CLUSTER_MONITORING_E2E_PREFIX ?? "127.0.28";
const ADDRESSES = [1, 2, 3].map((i) => `${PREFIX}.${i}`);
const PORT = 19190;
let work: string;
let dataDir: string;
let pulumi: PulumiRunner;

function stackConfig(monitoring: string): string {
  return [
    "config:",
    "  kafka-cluster:target: local",
    "  kafka-cluster:hosts:",
    ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
    "  kafka-cluster:zookeeper: { nodes: [hadoop-nn] }",
    `  kafka-cluster:dataDir: ${dataDir}`,
    "  kafka-cluster:kafka: { heap: 512m }",
    "  kafka-cluster:topics: [{ name: Hello-Kafka, partitions: 3, replicationFactor: 3 }]",
    "  kafka-cluster:consumer: { windowMs: 1000 }",
    `  kafka-cluster:monitoring: ${monitoring}`,
  ].join("\n");
}

const stackProcesses = (): Promise<string[]> => processesMentioning(dataDir);

async function api<T>(url: string): Promise<T | undefined> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  if (!res?.ok) return undefined;
  return ((await res.json()) as { data: T }).data;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-monitoring-e2e-"));
  dataDir = path.join(work, "data");
  const project = stageProject(repoRoot, work);
  fs.mkdirSync(path.join(work, "state"));
  fs.writeFileSync(
    path.join(project, "Pulumi.monitoring.yaml"),
    stackConfig(`{ prometheus: true, port: ${PORT}, retention: 1d }`),
  );
  pulumi = pulumiRunner(project, path.join(work, "state"));
  await pulumi(["stack", "init", "monitoring"]);
});

afterAll(async () => {
  if (pulumi && (await stackProcesses()).length > 0)
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync(PROMETHEUS))("Prometheus deployed by Pulumi", () => {
  it("refuses bad monitoring config at preview, with the path and value", async () => {
    const bad = path.join(work, "Pulumi.bad.yaml");
    fs.writeFileSync(bad, stackConfig("{ prometheus: true, port: 8080, retention: soon }"));
    const r = await pulumi.fails(["preview", "--config-file", bad]);
    expect(r.stdout + r.stderr).toContain(
      'kafka-cluster:monitoring.retention: must be a Prometheus duration, e.g. 15d or 12h, got "soon"',
    );
    fs.writeFileSync(bad, stackConfig("{ prometheus: true, port: 8080 }"));
    const r2 = await pulumi.fails(["preview", "--config-file", bad]);
    expect(r2.stdout + r2.stderr).toContain(
      "kafka-cluster:monitoring.port: hadoop-nn already uses it for the consumer service, got 8080",
    );
  });

  it("up starts it: prometheusUrl scrapes the service (up == 1) with the shipped rules loaded", async () => {
    await pulumi(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
    expect(outputs.prometheusUrl).toBe(`http://${ADDRESSES[0]}:${PORT}`);
    type Sample = { metric: Record<string, string>; value: [number, string] };
    const up = await waitUntil("the service's target to be up", 60_000, async () => {
      const r = await api<{ result: Sample[] }>(`${outputs.prometheusUrl}/api/v1/query?query=up`);
      return r?.result.find((s) => s.value[1] === "1");
    });
    expect(up.metric).toMatchObject({ job: "kafka-cluster-consumer", instance: `${ADDRESSES[0]}:8080` });
    const rules = await api<{ groups: Array<{ rules: Array<{ name: string }> }> }>(
      `${outputs.prometheusUrl}/api/v1/rules`,
    );
    const names = rules!.groups.flatMap((g) => g.rules.map((r) => r.name));
    expect(names).toContain("KafkaUnderReplicatedPartitions");
    const workDir = path.join(dataDir, "hadoop-nn", "prometheus");
    expect(fs.existsSync(path.join(workDir, "data"))).toBe(true);
    expect((await stackProcesses()).filter((l) => l.includes(PROMETHEUS))).toHaveLength(1);
  });

  it("destroy stops it and removes its files: no process, port or directory left", async () => {
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(await listening(ADDRESSES[0]!, PORT)).toBe(false);
    expect(await stackProcesses()).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, "hadoop-nn", "prometheus"))).toBe(false);
  });
});
