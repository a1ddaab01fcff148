// The whole program on the docker target, run with Pulumi mocks (no Docker
// engine here): the resource graph it registers and the stack outputs.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { cacheDir } from "../../lib/toolchain";

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

const T = {
  network: "docker:index/network:Network",
  image: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  container: "docker:index/container:Container",
  topic: "pulumi-nodejs:dynamic/kafka-cluster:KafkaTopic",
  ready: "pulumi-nodejs:dynamic/kafka-cluster:ClusterReady",
};

const HOSTS = [
  { name: "hadoop-nn", address: "127.0.60.1" },
  { name: "hadoop-dn1", address: "127.0.60.2" },
  { name: "hadoop-dn2", address: "127.0.60.3" },
];

const valueOf = <V>(o: pulumi.Output<V> | undefined): Promise<V | undefined> =>
  o === undefined ? Promise.resolve(undefined) : new Promise((resolve) => o.apply((v) => resolve(v)));

/** Runs index.ts with the given `kafka-cluster:` config under fresh mocks. */
async function runProgram(config: Record<string, unknown>) {
  const resources: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        // What the real providers report after create.
        if (args.type === T.image) state.imageId = `sha256:${String(args.inputs.name)}`;
        if (args.type === T.ready) state.controller = 1;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "kafka-cluster",
    "docker",
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => [`kafka-cluster:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
  );
  vi.resetModules();
  const program = await import("../../index");
  const outputs = {
    bootstrapServers: await valueOf(program.bootstrapServers),
    zookeeperConnect: await valueOf(program.zookeeperConnect),
    brokers: await valueOf(program.brokers),
    healthUrl: await valueOf(program.healthUrl),
    topics: await valueOf(program.topics),
  };
  return { resources, outputs, of: (type: string) => resources.filter((r) => r.type === type) };
}

/** key -> value of a properties file. */
function properties(text: string): Map<string, string> {
  return new Map(
    text
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]),
  );
}

const upload = (c: Registered, file: string): string => {
  const u = (c.inputs.uploads as Array<{ file: string; content: string }>).find((x) => x.file === file);
  if (!u) throw new Error(`${c.inputs.name} has no upload ${file}`);
  return u.content;
};

describe("docker target (Pulumi mocks)", () => {
  it("places a ZooKeeper ensemble and brokers 1-3 on one network, publishes them, and outputs the published addresses", async () => {
    const { outputs, of } = await runProgram({ target: "docker", hosts: HOSTS });

    const networks = of(T.network);
    // Issue 12: the default network (and volume prefix) is the stack's own.
    expect(networks.map((n) => n.inputs.name)).toEqual(["kafka-cluster-docker"]);
    expect(
      of(T.image)
        .map((i) => i.inputs.name)
        .sort(),
    ).toEqual(["apache/kafka:3.9.2", "node:24.21.0-bookworm-slim", "zookeeper:3.8.4"]);

    const containers = of(T.container);
    const byName = new Map(containers.map((c) => [c.inputs.name as string, c]));
    expect([...byName.keys()].sort()).toEqual([
      "hadoop-dn1",
      "hadoop-dn1-zookeeper",
      "hadoop-dn2",
      "hadoop-dn2-zookeeper",
      "hadoop-nn",
      "hadoop-nn-consumer",
      "hadoop-nn-zookeeper",
    ]);
    for (const c of containers) {
      expect(c.inputs.hostname, c.name).toBe(c.inputs.name);
      expect(c.inputs.networksAdvanced, c.name).toEqual([{ name: "kafka-cluster-docker", aliases: [c.inputs.name] }]);
      expect(c.inputs.restart, c.name).toBe("unless-stopped");
    }
    const volumes = new Map(of(T.volume).map((v) => [v.inputs.name as string, v]));

    // ZooKeeper: myid 1-3, the rendered zoo.cfg naming the ensemble by container hostname.
    HOSTS.forEach((h, i) => {
      const zk = byName.get(`${h.name}-zookeeper`)!;
      expect(zk.name).toBe(`kafka-zookeeper-${i + 1}`);
      expect(zk.inputs.image).toBe("sha256:zookeeper:3.8.4");
      expect(zk.inputs.envs).toContain(`ZOO_MY_ID=${i + 1}`);
      const cfg = properties(upload(zk, "/conf/zoo.cfg"));
      expect(cfg.get("dataDir")).toBe("/data");
      expect(cfg.get("clientPort")).toBe("2181");
      expect([1, 2, 3].map((n) => cfg.get(`server.${n}`))).toEqual([
        "hadoop-nn-zookeeper:2888:3888",
        "hadoop-dn1-zookeeper:2888:3888",
        "hadoop-dn2-zookeeper:2888:3888",
      ]);
      expect(zk.inputs.ports).toEqual([{ ip: h.address, external: 2181, internal: 2181 }]);
      expect(zk.inputs.volumes).toEqual([
        { volumeName: `kafka-cluster-docker-${h.name}-zookeeper-data`, containerPath: "/data" },
      ]);
      expect(volumes.has(`kafka-cluster-docker-${h.name}-zookeeper-data`)).toBe(true);
    });

    // Brokers: ids 1-3 on hadoop-nn, -dn1, -dn2; in-network and published listeners; careful settings.
    HOSTS.forEach((h, i) => {
      const broker = byName.get(h.name)!;
      expect(broker.name).toBe(`kafka-broker-${i + 1}`);
      expect(broker.inputs.image).toBe("sha256:apache/kafka:3.9.2");
      expect(broker.inputs.command).toEqual([
        "/opt/kafka/bin/kafka-server-start.sh",
        "/etc/kafka-cluster/server.properties",
      ]);
      expect(broker.inputs.uploads.map((u: { file: string; permissions: string }) => [u.file, u.permissions])).toEqual([
        ["/etc/kafka-cluster/server.properties", "0644"],
      ]);
      const props = properties(upload(broker, "/etc/kafka-cluster/server.properties"));
      expect(props.get("broker.id")).toBe(String(i + 1));
      expect(props.get("listeners")).toBe(`PLAINTEXT://${h.name}:9092,EXTERNAL://0.0.0.0:9093`);
      expect(props.get("advertised.listeners")).toBe(`PLAINTEXT://${h.name}:9092,EXTERNAL://${h.address}:9092`);
      expect(props.get("listener.security.protocol.map")).toBe("PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT");
      expect(props.get("zookeeper.connect")).toBe(
        "hadoop-nn-zookeeper:2181,hadoop-dn1-zookeeper:2181,hadoop-dn2-zookeeper:2181",
      );
      expect(props.get("log.dirs")).toBe("/var/lib/kafka/data");
      expect(
        Object.fromEntries(
          [
            "default.replication.factor",
            "min.insync.replicas",
            "unclean.leader.election.enable",
            "auto.create.topics.enable",
            "controlled.shutdown.enable",
          ].map((k) => [k, props.get(k)]),
        ),
      ).toEqual({
        "default.replication.factor": "3",
        "min.insync.replicas": "2",
        "unclean.leader.election.enable": "false",
        "auto.create.topics.enable": "false",
        "controlled.shutdown.enable": "true",
      });
      expect(broker.inputs.ports).toEqual([{ ip: h.address, external: 9092, internal: 9093 }]);
      expect(broker.inputs.volumes).toEqual([
        { volumeName: `kafka-cluster-docker-${h.name}-kafka-logs`, containerPath: "/var/lib/kafka/data" },
      ]);
      expect(volumes.has(`kafka-cluster-docker-${h.name}-kafka-logs`)).toBe(true);
    });
    expect(volumes.size).toBe(6);

    // The consumer service: a container on the network, using in-network addresses, published on hadoop-nn.
    const consumer = byName.get("hadoop-nn-consumer")!;
    expect(consumer.inputs.image).toBe("sha256:node:24.21.0-bookworm-slim");
    const env = properties(upload(consumer, "/app/consumer.env"));
    expect(env.get("KAFKA_BOOTSTRAP_SERVERS")).toBe('"hadoop-nn:9092,hadoop-dn1:9092,hadoop-dn2:9092"');
    expect(env.get("ZOOKEEPER_CONNECT")).toBe(
      '"hadoop-nn-zookeeper:2181,hadoop-dn1-zookeeper:2181,hadoop-dn2-zookeeper:2181"',
    );
    expect(env.get("HTTP_HOST")).toBe('"0.0.0.0"');
    // The bundle goes by reference (a file in the cache, with its hash), not as content in the inputs.
    const bundle = (
      consumer.inputs.uploads as Array<{ file: string; source?: string; sourceHash?: string; content?: string }>
    ).find((u) => u.file === "/app/consumer.js")!;
    expect(bundle.content).toBeUndefined();
    expect(bundle.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(bundle.source).toBe(path.join(cacheDir(), "consumer", `${bundle.sourceHash}.js`));
    expect(fs.statSync(bundle.source!).size).toBeGreaterThan(10_000);
    expect(consumer.inputs.command).toEqual([
      "node",
      "--max-semi-space-size=1",
      "--max-old-space-size=64",
      "--env-file=/app/consumer.env",
      "/app/consumer.js",
    ]);
    expect(consumer.inputs.ports).toEqual([{ ip: "127.0.60.1", external: 8080, internal: 8080 }]);

    // Topics go through the published ports, after the cluster is ready.
    expect(of(T.ready).map((r) => r.inputs.zookeeperConnect)).toEqual([
      "127.0.60.1:2181,127.0.60.2:2181,127.0.60.3:2181",
    ]);
    expect(of(T.topic).map((t) => [t.inputs.name, t.inputs.bootstrapServers])).toEqual([
      ["Hello-Kafka", "127.0.60.1:9092,127.0.60.2:9092,127.0.60.3:9092"],
    ]);

    expect(outputs.bootstrapServers).toBe("127.0.60.1:9092,127.0.60.2:9092,127.0.60.3:9092");
    expect(outputs.zookeeperConnect).toBe("127.0.60.1:2181,127.0.60.2:2181,127.0.60.3:2181");
    expect(outputs.brokers).toEqual([
      { id: 1, host: "hadoop-nn", address: "127.0.60.1", port: 9092 },
      { id: 2, host: "hadoop-dn1", address: "127.0.60.2", port: 9092 },
      { id: 3, host: "hadoop-dn2", address: "127.0.60.3", port: 9092 },
    ]);
    expect(outputs.healthUrl).toBe("http://127.0.60.1:8080/health");
  });

  it("runs the tutorial's single ZooKeeper on hadoop-nn, with the images, network and policy from config", async () => {
    const { outputs, of } = await runProgram({
      target: "docker",
      hosts: HOSTS,
      zookeeper: { nodes: ["hadoop-nn"] },
      consumer: { enabled: false },
      docker: { network: "tutorial", kafkaImage: "registry.example.com:5000/apache/kafka:3.9.2", restart: "always" },
    });
    const zk = of(T.container).filter((c) => String(c.inputs.name).endsWith("-zookeeper"));
    expect(zk.map((c) => c.inputs.name)).toEqual(["hadoop-nn-zookeeper"]);
    const cfg = properties(upload(zk[0]!, "/conf/zoo.cfg"));
    expect([...cfg.keys()].filter((k) => k.startsWith("server."))).toEqual([]);
    const brokers = of(T.container).filter((c) => /^kafka-broker-\d$/.test(c.name));
    expect(
      brokers.map((b) => properties(upload(b, "/etc/kafka-cluster/server.properties")).get("zookeeper.connect")),
    ).toEqual(["hadoop-nn-zookeeper:2181", "hadoop-nn-zookeeper:2181", "hadoop-nn-zookeeper:2181"]);
    expect(brokers.map((b) => [b.inputs.image, b.inputs.restart, b.inputs.networksAdvanced[0].name])).toEqual(
      Array(3).fill(["sha256:registry.example.com:5000/apache/kafka:3.9.2", "always", "tutorial"]),
    );
    expect(of(T.network).map((n) => n.inputs.name)).toEqual(["tutorial"]);
    expect(
      of(T.image)
        .map((i) => i.inputs.name)
        .sort(),
    ).toEqual(["registry.example.com:5000/apache/kafka:3.9.2", "zookeeper:3.8.4"]);
    expect(outputs.zookeeperConnect).toBe("127.0.60.1:2181");
    expect(outputs.healthUrl).toBeUndefined();
  });

  it("fails before creating anything on bad docker config, naming each key and value", async () => {
    await expect(
      runProgram({
        target: "docker",
        hosts: [...HOSTS.slice(0, 2), { name: "hadoop-dn2", address: "dn2.example.com" }],
        dataDir: "/srv/kafka",
        docker: { kafkaImage: "Apache Kafka!", restart: "sometimes" },
      }),
    ).rejects.toThrow(
      [
        "invalid stack config (4 problems):",
        `  - kafka-cluster:docker.kafkaImage: must be a Docker image reference such as "apache/kafka:3.9.2", got "Apache Kafka!"`,
        `  - kafka-cluster:docker.restart: Invalid option: expected one of "no"|"on-failure"|"always"|"unless-stopped", got "sometimes"`,
        `  - kafka-cluster:hosts[2].address: must be an IPv4 address to publish ports on for target "docker", got "dn2.example.com"`,
        `  - kafka-cluster:dataDir: is not used by target "docker": each data directory is a Docker volume, got "/srv/kafka"`,
      ].join("\n"),
    );
  });
});
