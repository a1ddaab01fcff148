import { describe, expect, it } from "vitest";
import { formatProblem, formatProblems } from "../../../lib/problems";
import { validateStack } from "../../../stack/config";

const ctx = { namespace: "kafka-cluster", defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/data" };

function problemsOf(raw: Record<string, unknown>): string[] {
  const r = validateStack(raw, ctx);
  if (r.ok) throw new Error("expected problems");
  return r.problems.map(formatProblem);
}

describe("validateStack", () => {
  it("plans the default stack: the local cluster, Hello-Kafka, the consumer on hadoop-nn", () => {
    const r = validateStack({}, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.target).toBe("local");
    expect(r.topics.map((t) => t.name)).toEqual(["Hello-Kafka"]);
    expect(r.consumer?.healthUrl).toBe("http://127.0.10.1:8080/health");
  });

  it("reports the cluster's, the topics' and the consumer's problems together, even when the cluster's plan fails", () => {
    expect(
      problemsOf({
        kafka: { heap: "lots" },
        topics: [{ name: "bad topic", partitions: 1 }],
        consumer: { port: 0, colour: "red" },
      }),
    ).toEqual([
      'kafka-cluster:kafka.heap: must be a JVM heap size such as "1g" or "512m", got "lots"',
      'kafka-cluster:topics[0].name: "bad topic" contains " "; only ASCII letters, digits, ".", "_" and "-" are legal',
      "kafka-cluster:consumer.port: Too small: expected number to be >=1, got 0",
      'kafka-cluster:consumer.colour: unknown key, got "red"',
    ]);
  });

  it("checks what needs the plan once it is valid: replication factor against brokers, the consumer's port", () => {
    const problems = problemsOf({
      topics: [{ name: "t", partitions: 1, replicationFactor: 4 }],
      consumer: { port: 2181 },
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^kafka-cluster:topics\[0\]\.replicationFactor: /);
    expect(problems[1]).toBe(
      "kafka-cluster:consumer.port: hadoop-nn already uses it for ZooKeeper's client port, got 2181",
    );
  });

  it("formats as the stack's error: one header, one line per problem", () => {
    const r = validateStack({ target: "k8s", consumer: { windowMs: 1 } }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatProblems(r.problems)).toMatch(
      /^invalid stack config \(2 problems\):\n {2}- kafka-cluster:target: .*\n {2}- kafka-cluster:consumer\.windowMs: /,
    );
  });
});
