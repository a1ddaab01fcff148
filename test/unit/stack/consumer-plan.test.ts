import { describe, expect, it } from "vitest";
import { formatProblem } from "../../../lib/problems";
import { planConsumer as planConsumerProblems } from "../../../stack/consumer-plan";
import { serviceNodeArgs } from "../../../stack/consumer-bundle";
import { renderEnvFile } from "../../../stack/consumer-plan";
import { planCluster } from "../../../infra/plan";

/** The plan with its problems as the stack's error lists them. */
const planConsumer = (...args: Parameters<typeof planConsumerProblems>) => {
  const r = planConsumerProblems(...args);
  return { consumer: r.consumer, problems: r.problems.map(formatProblem) };
};

const ctx = { defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/data" };
const local = planCluster({}, ctx);
const ssh = planCluster(
  {
    target: "ssh",
    hosts: ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((name, i) => ({
      name,
      address: `10.9.0.${i + 1}`,
      user: "kafka",
      privateKey: "k",
      hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko",
    })),
  },
  ctx,
);

describe("planConsumer", () => {
  it("runs on hadoop-nn:8080 of the local target by default", () => {
    const r = planConsumer(undefined, local);
    expect(r.problems).toEqual([]);
    expect(r.consumer).toEqual({
      host: local.hosts[0],
      port: 8080,
      topics: ["Hello-Kafka"],
      healthUrl: "http://127.0.10.1:8080/health",
      maxHeapMb: 64,
      env: {
        KAFKA_BOOTSTRAP_SERVERS: "127.0.10.1:9092,127.0.10.2:9092,127.0.10.3:9092",
        ZOOKEEPER_CONNECT: local.zookeeperConnect,
        TOPICS: "Hello-Kafka",
        GROUP_ID: "hello-kafka-word-count",
        WINDOW_MS: "10000",
        HTTP_HOST: "127.0.10.1",
        HTTP_PORT: "8080",
        EXPECTED_BROKERS: "3",
        LOG_LEVEL: "info",
      },
    });
  });

  it("takes every setting; on ssh it runs only when enabled", () => {
    expect(planConsumer(undefined, ssh).consumer).toBeUndefined();
    const r = planConsumer(
      {
        enabled: true,
        host: "hadoop-dn1",
        port: 9000,
        groupId: "g",
        windowMs: 500,
        outputTopic: "counts",
        topics: ["a", "b"],
        maxHeapMb: 256,
      },
      ssh,
    );
    expect(r.consumer?.healthUrl).toBe("http://10.9.0.2:9000/health");
    expect(r.consumer?.maxHeapMb).toBe(256);
    expect(r.consumer?.env).toMatchObject({
      TOPICS: "a,b",
      GROUP_ID: "g",
      WINDOW_MS: "500",
      OUTPUT_TOPIC: "counts",
      HTTP_HOST: "10.9.0.2",
    });
    expect(planConsumer({ enabled: false }, local)).toEqual({ consumer: undefined, problems: [] });
  });

  it("reports every bad value with its path and value", () => {
    expect(
      planConsumer({ port: 0, windowMs: "1s", topics: ["ok", "bad topic"], maxHeapMb: 16, colour: "red" }, local)
        .problems,
    ).toEqual([
      "kafka-cluster:consumer.port: Too small: expected number to be >=1, got 0",
      'kafka-cluster:consumer.windowMs: Invalid input: expected number, received string, got "1s"',
      'kafka-cluster:consumer.topics[1]: must be a Kafka topic name, got "bad topic"',
      "kafka-cluster:consumer.maxHeapMb: Too small: expected number to be >=32, got 16",
      'kafka-cluster:consumer.colour: unknown key, got "red"',
    ]);
    expect(planConsumer({ host: "hadoop-x" }, local).problems).toEqual([
      'kafka-cluster:consumer.host: must be one of the stack\'s hosts (hadoop-nn, hadoop-dn1, hadoop-dn2), got "hadoop-x"',
    ]);
    expect(planConsumer({ port: 9092 }, local).problems).toEqual([
      "kafka-cluster:consumer.port: hadoop-nn already uses it for broker 1, got 9092",
    ]);
    expect(planConsumer({ port: 2181 }, local).problems).toEqual([
      "kafka-cluster:consumer.port: hadoop-nn already uses it for ZooKeeper's client port, got 2181",
    ]);
  });

  it('takes Kafka\'s topic-name rule: not "." or "..", at most 249 characters', () => {
    expect(planConsumer({ topics: [".", ".."], outputTopic: "x".repeat(250) }, local).problems).toEqual([
      'kafka-cluster:consumer.outputTopic: must be a Kafka topic name, got "' + "x".repeat(250) + '"',
      'kafka-cluster:consumer.topics[0]: must be a Kafka topic name, got "."',
      'kafka-cluster:consumer.topics[1]: must be a Kafka topic name, got ".."',
    ]);
    expect(planConsumer({ topics: ["a.b", "x".repeat(249)], outputTopic: "..." }, local).problems).toEqual([]);
  });

  it("runs the bundle with a small young generation and the old-generation limit, the script last", () => {
    expect(serviceNodeArgs("/d/consumer.env", "/d/consumer.js")).toEqual([
      "--max-semi-space-size=1",
      "--max-old-space-size=64",
      "--env-file=/d/consumer.env",
      "/d/consumer.js",
    ]);
    expect(serviceNodeArgs("/d/consumer.env", "/d/consumer.js", 256)).toContain("--max-old-space-size=256");
  });

  it("renders the env file node --env-file reads", () => {
    expect(renderEnvFile({ A: "x,y", B: "1" })).toBe(
      '# consumer service settings, generated by kafka-cluster; edits are overwritten.\nA="x,y"\nB="1"\n',
    );
  });
});
