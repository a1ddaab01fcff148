import { describe, expect, it } from "vitest";
import { planCluster } from "../../../infra/plan";
import { formatProblem } from "../../../lib/problems";
import { planConsumer } from "../../../stack/consumer-plan";

const local = planCluster({}, { defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/data" });

describe("the consumer service's limits in stack config", () => {
  it("unset: the env file is as before (the service's own defaults apply)", () => {
    const env = planConsumer({}, local).consumer!.env;
    expect(env).not.toHaveProperty("WINDOW_MAX_WORDS");
    expect(env).not.toHaveProperty("HTTP_MAX_CONNECTIONS");
  });

  it("set: passed to the service", () => {
    const env = planConsumer({ maxWindowWords: 50_000, maxConnections: 256 }, local).consumer!.env;
    expect(env).toMatchObject({ WINDOW_MAX_WORDS: "50000", HTTP_MAX_CONNECTIONS: "256" });
  });

  it("refuses values out of range, naming the key and value", () => {
    const r = planConsumer({ maxWindowWords: 10, maxConnections: 1.5 }, local);
    expect(r.consumer).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual([
      "kafka-cluster:consumer.maxWindowWords: Too small: expected number to be >=100, got 10",
      "kafka-cluster:consumer.maxConnections: Invalid input: expected int, received number, got 1.5",
    ]);
  });
});
