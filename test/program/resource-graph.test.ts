// The whole program on each target under Pulumi mocks: every resource's URN,
// parent, dependencies and inputs, pinned in a snapshot. Deployed stacks see a
// change of any of them (a new URN is a delete and a create), so a refactor
// must leave this snapshot as it is.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { cacheDir } from "../../lib/toolchain";

interface Registered {
  readonly urn: string;
  readonly parent: string;
  readonly dependencies: string[];
  readonly inputs: unknown;
  /** Set only when the resource asks to be deleted before its replacement is created. */
  readonly deleteBeforeReplace?: true;
}

const HOSTS = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"];
const hosts = (prefix: string, extra: Record<string, unknown> = {}) =>
  HOSTS.map((name, i) => ({ name, address: `${prefix}.${i + 1}`, ...extra }));

const CONFIGS: Record<string, Record<string, unknown>> = {
  local: {
    hosts: hosts("127.0.70"),
    topics: [{ name: "Hello-Kafka", partitions: 3, replicationFactor: 3 }],
  },
  ssh: {
    target: "ssh",
    hosts: hosts("10.9.0", {
      user: "kafka",
      privateKey: "KEY",
      hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko",
    }),
    dataDir: "/srv/kafka",
    serviceManager: "systemd",
    consumer: { enabled: true, host: "hadoop-dn1" },
    topics: [{ name: "clicks", partitions: 2, replicationFactor: 3 }],
  },
  docker: {
    target: "docker",
    hosts: hosts("127.0.60"),
    zookeeper: { nodes: ["hadoop-nn"] },
  },
};

/** Machine-dependent parts of inputs (the cache, this Node.js, bundle hashes) as placeholders. */
function normalize(value: unknown): unknown {
  const text = JSON.stringify(value, (key, v: unknown) => (key === "__provider" ? "<provider>" : v));
  return JSON.parse(
    text
      .split(cacheDir())
      .join("<cache>")
      .split(process.execPath)
      .join("<node>")
      .replace(/[0-9a-f]{64}/g, "<sha256>"),
  );
}

/** Runs index.ts with `config` under mocks and returns what it registered, by URN. */
async function registered(stack: string, config: Record<string, unknown>): Promise<Registered[]> {
  const inputs = new Map<string, unknown>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputs.set(`${args.type}::${args.name}`, args.inputs);
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${String(args.inputs.name)}`;
        if (args.type.endsWith(":ClusterReady")) state.controller = 1;
        if (args.type.endsWith(":StackIdentity")) state.stackId = `${String(args.inputs.stack)}-0123456789abcdef`;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "kafka-cluster",
    stack,
    false,
  );
  // The request as the engine would get it: parent and dependencies are not in the mock's arguments.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): void;
  };
  const seen: Array<{ type: string; name: string; parent: string; dependencies: string[]; dbr: boolean }> = [];
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    seen.push({
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      dbr: req.getDeletebeforereplace(),
    });
    register(req, cb);
  };
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [`kafka-cluster:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  );
  vi.resetModules();
  const program = await import("../../index");
  // Every output resolved: every resource registered.
  await new Promise<void>((resolve) => pulumi.all([program.bootstrapServers, program.topics]).apply(() => resolve()));
  await new Promise((r) => setTimeout(r, 100));
  const urnOf = (type: string, name: string, parent: string): string => {
    const parentType = parent ? parent.split("::")[2]!.split("$").pop()! : "";
    return `urn:pulumi:${stack}::kafka-cluster::${parentType ? `${parentType}$` : ""}${type}::${name}`;
  };
  return seen
    .map((r) => ({
      urn: urnOf(r.type, r.name, r.parent),
      parent: r.parent,
      dependencies: [...r.dependencies].sort(),
      inputs: normalize(inputs.get(`${r.type}::${r.name}`)),
      ...(r.dbr ? { deleteBeforeReplace: true as const } : {}),
    }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getDeletebeforereplace(): boolean;
}

describe("the docker target's rolling restart (Pulumi mocks)", () => {
  it("chains the brokers through roll gates in id order, each container deleted before its replacement", async () => {
    const graph = await registered("docker", CONFIGS.docker!);
    const byName = (name: string) => graph.find((r) => r.urn.endsWith(`::${name}`))!;
    const dependsOn = (name: string, on: string) => byName(name).dependencies.some((d) => d.endsWith(`::${on}`));
    expect(dependsOn("kafka-roll-gate-1", "kafka-zookeeper-1")).toBe(true);
    for (const id of [1, 2, 3]) {
      expect(dependsOn(`kafka-broker-${id}`, `kafka-roll-gate-${id}`)).toBe(true);
      expect(byName(`kafka-broker-${id}`).deleteBeforeReplace).toBe(true);
    }
    expect(dependsOn("kafka-roll-gate-2", "kafka-broker-1")).toBe(true);
    expect(dependsOn("kafka-roll-gate-3", "kafka-broker-2")).toBe(true);
    expect(dependsOn("kafka-roll-gate-last", "kafka-broker-3")).toBe(true);
    expect(dependsOn("kafka-ready", "kafka-roll-gate-last")).toBe(true);
    expect(byName("kafka-roll-gate-2").inputs).toMatchObject({ after: { brokerId: 1 }, before: { brokerId: 2 } });
  });

  it("chains an ensemble's nodes too, and the brokers wait for the whole quorum", async () => {
    const { zookeeper: _standalone, ...ensemble } = CONFIGS.docker!;
    const graph = await registered("docker", ensemble);
    const byName = (name: string) => graph.find((r) => r.urn.endsWith(`::${name}`))!;
    const dependsOn = (name: string, on: string) => byName(name).dependencies.some((d) => d.endsWith(`::${on}`));
    expect(dependsOn("kafka-zookeeper-2", "kafka-zookeeper-roll-gate-2")).toBe(true);
    expect(dependsOn("kafka-zookeeper-roll-gate-2", "kafka-zookeeper-1")).toBe(true);
    expect(dependsOn("kafka-zookeeper-roll-gate-last", "kafka-zookeeper-3")).toBe(true);
    expect(dependsOn("kafka-roll-gate-1", "kafka-zookeeper-roll-gate-last")).toBe(true);
    expect(byName("kafka-zookeeper-roll-gate-2").inputs).toMatchObject({ ensemble: [{ id: 1 }, { id: 2 }, { id: 3 }] });
  });
});

describe("the program's resource graph (Pulumi mocks)", () => {
  for (const [stack, config] of Object.entries(CONFIGS)) {
    it(`${stack}: URNs, parents, dependencies and inputs are unchanged`, async () => {
      const graph = await registered(stack, config);
      expect(graph.length).toBeGreaterThan(5);
      await expect(JSON.stringify(graph, null, 1) + "\n").toMatchFileSnapshot(
        path.join("__snapshots__", `resource-graph.${stack}.json`),
      );
    });
  }
});
