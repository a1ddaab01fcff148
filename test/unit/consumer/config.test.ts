import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../consumer/config";

const base = { KAFKA_BOOTSTRAP_SERVERS: "127.0.10.1:9092,127.0.10.2:9092", ZOOKEEPER_CONNECT: "127.0.10.1:2181" };

describe("consumer loadConfig", () => {
  it("applies the defaults", () => {
    expect(loadConfig(base)).toEqual({
      bootstrapServers: ["127.0.10.1:9092", "127.0.10.2:9092"],
      zookeeperConnect: "127.0.10.1:2181",
      topics: ["Hello-Kafka"],
      consumeTopics: ["Hello-Kafka"],
      groupId: "hello-kafka-word-count",
      clientId: "kafka-cluster-consumer",
      windowMs: 10_000,
      windowsKept: 20,
      windowMaxWords: 10_000,
      windowTopWords: 1_000,
      outputTopic: undefined,
      httpHost: "127.0.0.1",
      httpPort: 8080,
      httpMaxConnections: 64,
      expectedBrokers: 3,
      adminPollMs: 2_000,
      staleAfterMs: 10_000,
      disagreementGraceMs: 5_000,
      zkSessionTimeoutMs: 6_000,
      probeIntervalMs: 250,
      probeTimeoutMs: 750,
      logLevel: "info",
    });
  });

  it("reads every variable; consumed topics default to the watched ones", () => {
    const c = loadConfig({
      ...base,
      TOPICS: "a, b",
      GROUP_ID: "g",
      WINDOW_MS: "500",
      OUTPUT_TOPIC: "counts",
      HTTP_PORT: "0",
      ZOOKEEPER_CONNECT: "h1:1,h2:2/kafka",
    });
    expect(c).toMatchObject({
      topics: ["a", "b"],
      consumeTopics: ["a", "b"],
      groupId: "g",
      windowMs: 500,
      outputTopic: "counts",
      httpPort: 0,
      zookeeperConnect: "h1:1,h2:2/kafka",
    });
    expect(loadConfig({ ...base, TOPICS: "a,b", CONSUME_TOPICS: "a" }).consumeTopics).toEqual(["a"]);
  });

  it("reports every bad variable with its name and value", () => {
    const bad = () =>
      loadConfig({
        KAFKA_BOOTSTRAP_SERVERS: "nohost",
        WINDOW_MS: "10s",
        HTTP_PORT: "70000",
        TOPICS: "ok,bad topic",
        LOG_LEVEL: "loud",
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'KAFKA_BOOTSTRAP_SERVERS: each entry must be host:port, got "nohost"',
        "ZOOKEEPER_CONNECT: is required and not set",
        'TOPICS: each entry must be a Kafka topic name, got "ok,bad topic"',
        'WINDOW_MS: must be a whole number, got "10s"',
        'HTTP_PORT: must be at most 65535, got "70000"',
        'LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent", got "loud"',
      ]);
      expect((err as Error).message).toMatch(/^invalid environment \(6 problems\):\n {2}- KAFKA_BOOTSTRAP_SERVERS/);
    }
  });

  it('takes Kafka\'s topic-name rule: refuses ".", ".." and names over 249 characters', () => {
    const problems = (env: Record<string, string>): readonly string[] => {
      try {
        loadConfig({ ...base, ...env });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).retriable).toBe(false);
        return (err as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ TOPICS: "a,." })).toEqual(['TOPICS: each entry must be a Kafka topic name, got "a,."']);
    expect(problems({ CONSUME_TOPICS: ".." })).toEqual([
      'CONSUME_TOPICS: each entry must be a Kafka topic name, got ".."',
    ]);
    expect(problems({ OUTPUT_TOPIC: "." })).toEqual(['OUTPUT_TOPIC: must be a Kafka topic name, got "."']);
    expect(problems({ TOPICS: "x".repeat(250) })).toHaveLength(1);
    expect(problems({ TOPICS: "x".repeat(249), OUTPUT_TOPIC: "a.b_c-1" })).toEqual([]);
  });

  it("bounds the memory and connection limits, naming the variable and value", () => {
    expect(loadConfig({ ...base, WINDOW_MAX_WORDS: "50000", HTTP_MAX_CONNECTIONS: "200" })).toMatchObject({
      windowMaxWords: 50_000,
      httpMaxConnections: 200,
    });
    const bad = () =>
      loadConfig({ ...base, WINDOW_MAX_WORDS: "5", WINDOW_TOP_WORDS: "0", HTTP_MAX_CONNECTIONS: "1000000" });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'WINDOW_MAX_WORDS: must be at least 100, got "5"',
        'WINDOW_TOP_WORDS: must be at least 1, got "0"',
        'HTTP_MAX_CONNECTIONS: must be at most 10000, got "1000000"',
      ]);
    }
  });
});
