// The Target interface on each target under Pulumi mocks: how it names what
// it places, what a change of an input does, and what it refuses.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { planCluster, type ClusterPlan } from "../../infra/plan";
import { localProcessProvider } from "../../infra/targets/local-process";
import { remoteProcessProvider } from "../../infra/targets/remote-process";
import { createTarget, type ProcessSpec, type ServiceSpec } from "../../infra/targets/target";

const ctx = { defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/data" };
const HOSTS = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"];
const plans: Record<"local" | "ssh" | "docker", ClusterPlan> = {
  local: planCluster({}, ctx),
  ssh: planCluster(
    {
      target: "ssh",
      hosts: HOSTS.map((name, i) => ({
        name,
        address: `10.9.0.${i + 1}`,
        user: "kafka",
        privateKey: "k",
        hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko",
      })),
    },
    ctx,
  ),
  docker: planCluster(
    { target: "docker", hosts: HOSTS.map((name, i) => ({ name, address: `127.0.60.${i + 1}` })) },
    ctx,
  ),
};

const specs = (plan: ClusterPlan): ProcessSpec[] => [
  { role: "zookeeper", node: plan.zookeeper[0]! },
  { role: "broker", broker: plan.brokers[1]! },
  service(plan),
];

function service(plan: ClusterPlan): ServiceSpec {
  return {
    role: "service",
    service: "consumer",
    host: plan.hosts[0]!,
    port: 8080,
    healthPath: "/health",
    script: "// the service",
    nodeFlags: [],
    env: () => ({}),
  };
}

let parent: pulumi.ComponentResource;
beforeAll(async () => {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
    "p",
    "dev",
    false,
  );
  parent = new pulumi.ComponentResource("test:index:Parent", "owner");
});

describe("Target", () => {
  it("names each process after its scope, role and host, as each target always has", () => {
    const names = Object.fromEntries(
      Object.entries(plans).map(([kind, plan]) => {
        const target = createTarget(plan, { name: "kafka", parent, privateKeys: { "hadoop-nn": "k" } });
        expect(target.kind).toBe(kind);
        return [kind, specs(plan).map((s) => target.names(s))];
      }),
    );
    expect(names).toEqual({
      local: [
        { resource: "kafka-zookeeper-1", onHost: "/data/hadoop-nn/run/zookeeper" },
        { resource: "kafka-broker-2", onHost: "/data/hadoop-dn1/run/kafka" },
        { resource: "kafka-process", onHost: "/data/hadoop-nn/consumer" },
      ],
      ssh: [
        { resource: "kafka-zookeeper-1", onHost: "kafka-cluster-dev-zookeeper" },
        { resource: "kafka-broker-2", onHost: "kafka-cluster-dev-kafka" },
        { resource: "kafka-service", onHost: "kafka-cluster-dev-consumer" },
      ],
      docker: [
        { resource: "kafka-zookeeper-1", onHost: "hadoop-nn-zookeeper" },
        { resource: "kafka-broker-2", onHost: "hadoop-dn1" },
        { resource: "kafka-container", onHost: "hadoop-nn-consumer" },
      ],
    });
  });

  it("says what a change does, as the providers' own diff does", async () => {
    const local = createTarget(plans.local, { name: "a", parent });
    const ssh = createTarget(plans.ssh, { name: "b", parent });
    const docker = createTarget(plans.docker, { name: "c", parent });
    // Nothing but a new host address needs a new process: the data directories are their own resources.
    expect(["files", "args", "dirs", "workDir", "connection"].map((k) => local.changeOf(k))).toEqual([
      "restart",
      "restart",
      "restart",
      "restart",
      "replace",
    ]);
    expect(
      ["files", "connection", "unit", "dirs", "workDir", "serviceManager", "connection.host"].map((k) =>
        ssh.changeOf(k),
      ),
    ).toEqual(["restart", "restart", "restart", "restart", "restart", "restart", "replace"]);
    expect(["restart", "envs", "uploads"].map((k) => docker.changeOf(k))).toEqual(["live", "replace", "replace"]);
    // The stack's identity and the ports, added later: a changed value restarts in place (missing before: no change).
    expect(["stackId", "listens"].flatMap((k) => [local.changeOf(k), ssh.changeOf(k)])).toEqual(
      Array(4).fill("restart"),
    );
    const olds: Record<string, unknown> = {
      label: "l",
      workDir: "/w",
      dirs: [],
      cleanupRoot: "/",
      files: {},
      command: "c",
      args: [],
      ready: {},
      readyTimeoutMs: 1,
    };
    for (const key of Object.keys(olds)) {
      const news = { ...olds, [key]: "changed" };
      const local = await localProcessProvider.diff!("id", olds as never, news as never);
      expect(local.replaces?.length ? "replace" : "restart", key).toBe(
        createTarget(plans.local, { name: "d", parent }).changeOf(key),
      );
      const remote = await remoteProcessProvider.diff!("id", olds as never, news as never);
      expect(remote.replaces?.length ? "replace" : "restart", key).toBe(ssh.changeOf(key));
    }
  });

  it("ssh: places Kafka's processes only after installing the release, and needs each host's key", () => {
    const ssh = createTarget(plans.ssh, { name: "e", parent, privateKeys: { "hadoop-nn": "k" } });
    expect(() => ssh.place({ role: "zookeeper", node: plans.ssh.zookeeper[0]! })).toThrow(
      "hadoop-nn zookeeper (myid 1): no Kafka release on its host (installRelease first)",
    );
    expect(() => ssh.place({ ...service(plans.ssh), host: plans.ssh.hosts[1]! })).toThrow(
      "kafka-cluster:hosts: no privateKey for hadoop-dn1, which runs the consumer service",
    );
    expect(ssh.place(service(plans.ssh))).toBeInstanceOf(pulumi.CustomResource);
  });
});
