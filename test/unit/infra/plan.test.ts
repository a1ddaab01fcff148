import { describe, expect, it } from "vitest";
import { ClusterConfigError, planCluster } from "../../../infra/plan";
import { ConfigError } from "../../../lib/errors";
import { HOST_KEY } from "./support/config-arbitraries";

const ctx = { defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/data" };

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    planCluster(raw, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(ClusterConfigError);
    return (err as ClusterConfigError).problems.map((p) => `${p.path}: ${p.message}, got ${JSON.stringify(p.value)}`);
  }
  throw new Error("expected a ClusterConfigError");
}

describe("planCluster", () => {
  it("plans the default local stack: three loopback hosts, a three-node ensemble, brokers 1-3", () => {
    const plan = planCluster({}, ctx);
    expect(plan.target).toBe("local");
    expect(plan.hosts).toEqual([
      { name: "hadoop-nn", address: "127.0.10.1" },
      { name: "hadoop-dn1", address: "127.0.10.2" },
      { name: "hadoop-dn2", address: "127.0.10.3" },
    ]);
    expect(plan.zookeeperConnect).toBe("127.0.10.1:2181,127.0.10.2:2181,127.0.10.3:2181");
    expect(plan.bootstrapServers).toBe("127.0.10.1:9092,127.0.10.2:9092,127.0.10.3:9092");
    expect(plan.brokers).toEqual([
      { id: 1, host: "hadoop-nn", address: "127.0.10.1", port: 9092, logDir: "/data/hadoop-nn/kafka-logs" },
      { id: 2, host: "hadoop-dn1", address: "127.0.10.2", port: 9092, logDir: "/data/hadoop-dn1/kafka-logs" },
      { id: 3, host: "hadoop-dn2", address: "127.0.10.3", port: 9092, logDir: "/data/hadoop-dn2/kafka-logs" },
    ]);
    expect(plan.zookeeper.map((z) => [z.id, z.host, z.dataDir])).toEqual([
      [1, "hadoop-nn", "/data/hadoop-nn/zookeeper"],
      [2, "hadoop-dn1", "/data/hadoop-dn1/zookeeper"],
      [3, "hadoop-dn2", "/data/hadoop-dn2/zookeeper"],
    ]);
    expect(plan.kafkaVersion).toBe("3.9.2");
  });

  it("plans the tutorial's single ZooKeeper on hadoop-nn", () => {
    const plan = planCluster({ zookeeper: { nodes: ["hadoop-nn"] } }, ctx);
    expect(plan.zookeeper.map((z) => z.host)).toEqual(["hadoop-nn"]);
    expect(plan.zookeeperConnect).toBe("127.0.10.1:2181");
  });

  it("reports every problem at once, each with its config path and value", () => {
    expect(
      problemsOf({
        target: "local",
        hosts: [
          { name: "hadoop-nn", address: "127.0.10.1" },
          { name: "hadoop-nn", address: "127.0.10.1" },
          { name: "hadoop-dn2", address: "10.0.0.3" },
        ],
        zookeeper: { nodes: ["hadoop-nn", "zk-9"] },
        kafka: { brokerConfig: { "broker.id": 7 } },
      }),
    ).toEqual([
      'kafka-cluster:hosts[1].name: duplicates hosts[0].name, got "hadoop-nn"',
      'kafka-cluster:hosts[1].address: duplicates hosts[0].address, got "127.0.10.1"',
      'kafka-cluster:hosts[2].address: must be a loopback address (127.x.y.z) for target "local", got "10.0.0.3"',
      'kafka-cluster:zookeeper.nodes: must name one host (standalone) or three (an ensemble), got ["hadoop-nn","zk-9"]',
      'kafka-cluster:zookeeper.nodes[1]: is not one of the hosts (hadoop-nn, hadoop-nn, hadoop-dn2), got "zk-9"',
      "kafka-cluster:kafka.brokerConfig.broker.id: is set by the plan and cannot be overridden, got 7",
    ]);
  });

  it("names unknown targets, unparsable values and unknown keys", () => {
    const problems = problemsOf({ target: "k8s", kafka: { port: "9092", heap: "lots" }, zookeper: {} });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith("kafka-cluster:target:"))).toMatch(/"local".*got "k8s"$/);
    expect(problems).toContain("kafka-cluster:zookeper: unknown config key, got {}");
    expect(problems.find((p) => p.startsWith("kafka-cluster:kafka.port:"))).toMatch(/got "9092"$/);
    expect(problems.find((p) => p.startsWith("kafka-cluster:kafka.heap:"))).toBe(
      'kafka-cluster:kafka.heap: must be a JVM heap size such as "1g" or "512m", got "lots"',
    );
  });

  it("requires hosts, with users, for the ssh target", () => {
    expect(problemsOf({ target: "ssh" })).toEqual([
      'kafka-cluster:hosts: is required for target "ssh" (three hosts: hadoop-nn, hadoop-dn1, hadoop-dn2), got undefined',
    ]);
    expect(
      problemsOf({
        target: "ssh",
        hosts: ["a", "b", "c"].map((n, i) => ({
          name: n,
          address: `10.0.0.${i + 1}`,
          privateKey: "k",
          hostKey: HOST_KEY,
        })),
      }),
    ).toEqual([
      'kafka-cluster:hosts[0].user: is required for target "ssh", got undefined',
      'kafka-cluster:hosts[1].user: is required for target "ssh", got undefined',
      'kafka-cluster:hosts[2].user: is required for target "ssh", got undefined',
    ]);
  });

  it("refuses fewer than three hosts and a Kafka outside 3.9", () => {
    const problems = problemsOf({ hosts: [{ name: "a", address: "127.0.0.9" }], kafka: { version: "4.0.0" } });
    expect(problems[0]).toBe(
      'kafka-cluster:kafka.version: must be a Kafka 3.9.x version (the last line with ZooKeeper), got "4.0.0"',
    );
    expect(problemsOf({ hosts: [{ name: "a", address: "127.0.0.9" }] })[0]).toBe(
      'kafka-cluster:hosts: must list at least three hosts, one per broker (replication factor 3), got ["a"]',
    );
  });

  it("takes more than three hosts, broker ids following the list unless pinned, and refuses a duplicate id", () => {
    const four = ["a", "b", "c", "d"].map((name, i) => ({ name, address: `127.0.0.${i + 1}` }));
    expect(planCluster({ hosts: four }, ctx).brokers.map((b) => b.id)).toEqual([1, 2, 3, 4]);
    const pinned = [four[0], four[2], four[3]].map((h, i) => (i === 0 ? h : { ...h, brokerId: i + 2 }));
    expect(planCluster({ hosts: pinned }, ctx).brokers.map((b) => [b.host, b.id])).toEqual([
      ["a", 1],
      ["c", 3],
      ["d", 4],
    ]);
    expect(problemsOf({ hosts: [...four.slice(0, 3), { ...four[3], brokerId: 2 }] })).toEqual([
      "kafka-cluster:hosts[3].brokerId: 2 is also the broker id of hosts[1] (ids default to the place in the list, from 1), got 2",
    ]);
  });
});

describe("planCluster for ssh", () => {
  const hosts = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((name, i) => ({
    name,
    address: `${name}.pengfei.org`,
    user: "kafka",
    port: 22,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----${i}`,
    hostKey: HOST_KEY,
  }));

  it("requires a private key per host and never echoes one", () => {
    const problems = problemsOf({
      target: "ssh",
      hosts: [hosts[0], { ...hosts[1], privateKey: undefined }, { ...hosts[2], privateKey: "" }],
    });
    expect(problems).toEqual([
      'kafka-cluster:hosts[2].privateKey: Too small: expected string to have >=1 characters, got "[secret]"',
    ]);
    const missing = problemsOf({ target: "ssh", hosts: [hosts[0], { ...hosts[1], privateKey: undefined }, hosts[2]] });
    expect(missing).toEqual([
      'kafka-cluster:hosts[1].privateKey: is required for target "ssh" (set it with --secret), got undefined',
    ]);
    expect(missing.join("\n")).not.toContain("BEGIN");
  });

  it("moveData: false unless the stack says true; anything but a boolean is refused with its path", () => {
    expect(planCluster({}, ctx).moveData).toBe(false);
    expect(planCluster({ moveData: true }, ctx).moveData).toBe(true);
    expect(problemsOf({ moveData: "yes" })).toEqual([
      'kafka-cluster:moveData: Invalid input: expected boolean, received string, got "yes"',
    ]);
  });

  it("defaults the distribution to the Apache archive and keeps keys out of the plan", () => {
    const plan = planCluster({ target: "ssh", hosts }, ctx);
    expect(plan.distribution).toEqual({ url: "https://archive.apache.org/dist/kafka/3.9.2/kafka_2.13-3.9.2.tgz" });
    expect(plan.serviceManager).toBe("auto");
    expect(plan.bootstrapServers).toBe(
      "hadoop-nn.pengfei.org:9092,hadoop-dn1.pengfei.org:9092,hadoop-dn2.pengfei.org:9092",
    );
    expect(JSON.stringify(plan)).not.toContain("PRIVATE KEY");
  });

  // Issue 12: the shape now names the SHA-512 too, and the unknown key is reported as well.
  it("refuses a distribution that is neither a URL nor a file", () => {
    expect(problemsOf({ target: "ssh", hosts, kafka: { distribution: { path: "/x" } } })).toEqual([
      'kafka-cluster:kafka.distribution.path: unknown config key, got "/x"',
      'kafka-cluster:kafka.distribution: must be { url: "https://...", sha512 } or { file: "/path/to/kafka_2.13-<version>.tgz", sha512 }, got {"path":"/x"}',
    ]);
  });
});

describe("planCluster with several bad keys", () => {
  it("still checks the keys that are valid when another one is not", () => {
    expect(problemsOf({ zookeeper: { nodes: ["hadoop-nn", "zk-x"] }, kafka: { port: 2181, heap: "lots" } })).toEqual([
      'kafka-cluster:kafka.heap: must be a JVM heap size such as "1g" or "512m", got "lots"',
      'kafka-cluster:zookeeper.nodes: must name one host (standalone) or three (an ensemble), got ["hadoop-nn","zk-x"]',
      'kafka-cluster:zookeeper.nodes[1]: is not one of the hosts (hadoop-nn, hadoop-dn1, hadoop-dn2), got "zk-x"',
    ]);
  });
});

describe("planCluster's error", () => {
  it("is a ConfigError listing every unknown nested key, formatted as the stack's error", () => {
    let error: unknown;
    try {
      planCluster({ kafka: { foo: 1, bar: "x" }, zookeeper: { clientPort: 2181, peerPort: 2181 } }, ctx);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      [
        "invalid stack config (3 problems):",
        "  - kafka-cluster:kafka.foo: unknown config key, got 1",
        '  - kafka-cluster:kafka.bar: unknown config key, got "x"',
        "  - kafka-cluster:zookeeper: clientPort, peerPort and electionPort must differ, got [2181,2181,3888]",
      ].join("\n"),
    );
  });
});

describe("planCluster's broker settings", () => {
  it("takes the names Kafka's own settings have", () => {
    const brokerConfig = {
      "log.cleaner.threads": 2,
      "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config": "org.apache.kafka...ScramLoginModule required;",
      "log.retention.hours": 168,
      "num.replica.alter.log.dirs.threads": 1,
      "ssl.endpoint.identification.algorithm": "",
      "delete.topic.enable": true,
      "metric.reporters": "a.B,c.D",
    };
    expect(planCluster({ kafka: { brokerConfig } }, ctx).brokerSettings).toEqual(brokerConfig);
  });
});
