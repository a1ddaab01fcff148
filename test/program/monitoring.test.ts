// `monitoring: { prometheus: true }` under Pulumi mocks: a Prometheus
// component with one process beside the consumer service, started after it,
// and its URL as the stack output prometheusUrl.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it, vi } from "vitest";

interface Seen {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

async function run(config: Record<string, unknown>): Promise<{ seen: Seen[]; prometheusUrl?: string }> {
  const seen: Seen[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        seen.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type.endsWith(":ClusterReady")) state.controller = 1;
        if (args.type.endsWith(":StackIdentity")) state.stackId = "monitoring-0123456789abcdef";
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "kafka-cluster",
    "monitoring",
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [`kafka-cluster:${k}`, JSON.stringify(v)])),
  );
  vi.resetModules();
  const program = await import("../../index");
  const url = program.prometheusUrl
    ? await new Promise<string>((resolve) => program.prometheusUrl!.apply(resolve))
    : undefined;
  await new Promise<void>((resolve) => pulumi.all([program.bootstrapServers, program.topics]).apply(() => resolve()));
  await new Promise((r) => setTimeout(r, 100));
  return { seen, prometheusUrl: url };
}

describe("monitoring.prometheus on the local target (Pulumi mocks)", () => {
  const before = process.env.KAFKA_CLUSTER_PROMETHEUS;
  // The server need not be installed for the graph: any existing file passes the check.
  process.env.KAFKA_CLUSTER_PROMETHEUS = process.execPath;
  afterAll(() => {
    if (before === undefined) delete process.env.KAFKA_CLUSTER_PROMETHEUS;
    else process.env.KAFKA_CLUSTER_PROMETHEUS = before;
  });
  const hosts = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((name, i) => ({ name, address: `127.0.71.${i + 1}` }));

  it("adds a Prometheus process on the first host and outputs its URL", async () => {
    const { seen, prometheusUrl } = await run({ hosts, monitoring: { prometheus: true, port: 9494 } });
    expect(prometheusUrl).toBe("http://127.0.71.1:9494");
    expect(seen.filter((s) => s.type === "kafka-cluster:monitoring:Prometheus").map((s) => s.name)).toEqual([
      "prometheus",
    ]);
    const proc = seen.find((s) => s.name === "prometheus-process")!;
    expect(proc.inputs).toMatchObject({
      label: "hadoop-nn prometheus",
      command: process.execPath,
      listens: [{ host: "127.0.71.1", port: 9494 }],
      ready: { kind: "tcp", host: "127.0.71.1", port: 9494 },
    });
    const workDir = String(proc.inputs.workDir);
    expect(workDir).toMatch(/\/hadoop-nn\/prometheus$/);
    expect((proc.inputs.args as string[]).slice(-2)).toEqual(["--config.file", `${workDir}/prometheus.yml`]);
    const files = proc.inputs.files as Record<string, string>;
    expect(files[`${workDir}/prometheus.yml`]).toContain('targets: ["127.0.71.1:8080"]');
    expect(files[`${workDir}/alerts.yml`]).toContain("groups:");
  });

  it("adds nothing and no output when off", async () => {
    const { seen, prometheusUrl } = await run({ hosts });
    expect(prometheusUrl).toBeUndefined();
    expect(seen.some((s) => s.name.startsWith("prometheus"))).toBe(false);
  });
});
