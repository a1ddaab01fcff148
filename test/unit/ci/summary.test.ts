// The topology summary against real `pulumi preview --json --show-sames`
// outputs, recorded from a local stack that was up (ci/record-previews.ts):
// Hello-Kafka (3 partitions) and clicks (6), three hosts on 127.0.32.1-3.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderMarkdown, summarize, type PreviewJson, type PreviewSummary } from "../../../ci/summary";

const FIXTURES = path.join(__dirname, "..", "..", "fixtures", "previews");
const load = (name: string): PreviewJson =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as PreviewJson;
const summary = (name: string): PreviewSummary => summarize(load(name));
/** The preview as Pulumi shows it for topics deployed with retainOnDelete: the old state carries the option. */
const retained = (p: PreviewJson): PreviewJson => ({
  ...p,
  steps: p.steps?.map((s) =>
    s.urn.includes(":KafkaTopic::") && s.oldState ? { ...s, oldState: { ...s.oldState, retainOnDelete: true } } : s,
  ),
});
const changes = (name: string): string[] => summary(name).changes.map((c) => `${c.impact} | ${c.resource} | ${c.what}`);

const TOPOLOGY = `### Topology after the change

| host | address | runs |
|---|---|---|
| hadoop-nn | 127.0.32.1 | ZooKeeper 1, broker 1 |
| hadoop-dn1 | 127.0.32.2 | ZooKeeper 2, broker 2 |
| hadoop-dn2 | 127.0.32.3 | ZooKeeper 3, broker 3 |

ZooKeeper ensemble (3 nodes): 1: hadoop-nn 127.0.32.1:2181, 2: hadoop-dn1 127.0.32.2:2181, 3: hadoop-dn2 127.0.32.3:2181

Brokers (3): 1: hadoop-nn 127.0.32.1:9092, 2: hadoop-dn1 127.0.32.2:9092, 3: hadoop-dn2 127.0.32.3:9092
`;

describe("preview summary", () => {
  it("renders a partition increase as safe and in place, with the whole topology", () => {
    expect(renderMarkdown(summary("grow-partitions"), { stack: "prod" })).toBe(
      `## Preview of stack \`prod\`: 1 safe

### Changes, destructive first

| impact | resource | change |
|---|---|---|
| safe | topic \`Hello-Kafka\` | in place: partitions 3 → 6 |

${TOPOLOGY}
| topic | partitions | replication factor | config |
|---|---|---|---|
| clicks | 6 | 3 | min.insync.replicas=2, retention.ms=86400000 |
| Hello-Kafka | 6 | 3 | min.insync.replicas=2 |
`,
    );
  });

  it("says so when nothing changes", () => {
    const s = summary("no-change");
    expect(s).toMatchObject({ ok: true, errors: [], changes: [] });
    expect(renderMarkdown(s, { stack: "prod" })).toContain(
      "## Preview of stack `prod`: no changes\n\n### Changes, destructive first\n\nNo changes.\n",
    );
    expect(s.topology.topics.map((t) => [t.name, t.partitions])).toEqual([
      ["clicks", 6],
      ["Hello-Kafka", 3],
    ]);
  });

  // The rename and delete-topic fixtures were recorded from state written before topics got
  // retainOnDelete (stack/program.ts): Pulumi deletes such a topic, as a stack deployed then still would.
  it("marks a rename destructive when the old topic's state has no retainOnDelete: it is deleted with its data", () => {
    expect(changes("rename")).toEqual([
      "destructive | topic `Hello-Kafka` | renamed `Hello-Kafka` → `Hello-Kafka-v2`: replaced, `Hello-Kafka` is deleted with its data and `Hello-Kafka-v2` created empty",
    ]);
    expect(summary("rename").topology.topics.map((t) => t.name)).toEqual(["clicks", "Hello-Kafka-v2"]);
  });

  it("marks a topic removed from the config destructive when its state has no retainOnDelete", () => {
    expect(changes("delete-topic")).toEqual(["destructive | topic `clicks` | deleted with its data (6 partitions)"]);
    expect(summary("delete-topic").topology.topics.map((t) => t.name)).toEqual(["Hello-Kafka"]);
  });

  it("says a retained topic stays in Kafka, no longer managed, when it is removed or renamed", () => {
    expect(
      summarize(retained(load("delete-topic"))).changes.map((c) => `${c.impact} | ${c.resource} | ${c.what}`),
    ).toEqual(["safe | topic `clicks` | `clicks` retained in Kafka with its data, no longer managed (6 partitions)"]);
    const rename = summarize(retained(load("rename")));
    expect(rename.changes.map((c) => `${c.impact} | ${c.resource} | ${c.what}`)).toEqual([
      "safe | topic `Hello-Kafka` | renamed `Hello-Kafka` → `Hello-Kafka-v2`: `Hello-Kafka-v2` created empty; `Hello-Kafka` retained in Kafka with its data, no longer managed",
    ]);
    expect(renderMarkdown(rename, { stack: "prod" }).split("\n")[0]).toBe("## Preview of stack `prod`: 1 safe");
  });

  it("marks new topics, config and replication factor changes safe", () => {
    expect(changes("create-topic")).toEqual([
      "safe | topic `orders` | created: 12 partitions, replication factor 3, min.insync.replicas=2",
    ]);
    expect(changes("topic-config")).toEqual([
      "safe | topic `clicks` | in place: retention.ms 86400000 → 604800000; cleanup.policy=compact (new)",
    ]);
    expect(changes("replication-factor")).toEqual([
      "safe | topic `clicks` | in place: replication factor 3 → 2 (replica reassignment)",
    ]);
  });

  it("marks a broker setting disruptive: every broker restarts, naming the setting", () => {
    expect(changes("broker-config")).toEqual(
      [1, 2, 3].map(
        (id) =>
          `disruptive | broker ${id} (${["hadoop-nn", "hadoop-dn1", "hadoop-dn2"][id - 1]}) | restarts (server.properties: log.retention.hours=72 (new))`,
      ),
    );
  });

  it("marks new ZooKeeper ports disruptive for ZooKeeper, brokers and the consumer; topics only wait for the cluster", () => {
    const s = summary("zookeeper-ports");
    expect(s.changes.map((c) => `${c.impact} ${c.resource}`)).toEqual([
      "disruptive broker 1 (hadoop-nn)",
      "disruptive broker 2 (hadoop-dn1)",
      "disruptive broker 3 (hadoop-dn2)",
      "disruptive hadoop-nn consumer service",
      "disruptive ZooKeeper 1 (hadoop-nn)",
      "disruptive ZooKeeper 2 (hadoop-dn1)",
      "disruptive ZooKeeper 3 (hadoop-dn2)",
      "safe cluster readiness check",
      "safe topic `clicks`",
      "safe topic `Hello-Kafka`",
    ]);
    expect(s.changes[4].what).toBe("restarts (zoo.cfg: clientPort 2181 → 2182)");
    expect(s.changes.at(-1)?.what).toBe(
      "in place: re-checked once the cluster is ready again (the topic itself is unchanged)",
    );
    expect(s.topology.zookeeper.map((z) => `${z.address}:${z.clientPort}`)).toEqual([
      "127.0.32.1:2182",
      "127.0.32.2:2182",
      "127.0.32.3:2182",
    ]);
  });

  it("marks moved data directories destructive: each process starts empty", () => {
    const s = summary("data-dir");
    expect(s.changes.filter((c) => c.impact === "destructive").map((c) => c.resource)).toEqual([
      "broker 1 (hadoop-nn)",
      "broker 2 (hadoop-dn1)",
      "broker 3 (hadoop-dn2)",
      "ZooKeeper 1 (hadoop-nn)",
      "ZooKeeper 2 (hadoop-dn1)",
      "ZooKeeper 3 (hadoop-dn2)",
    ]);
    expect(s.changes[0].what).toMatch(
      /^replaced \(.*dirs.*changed\): stopped, its data removed \(\/tmp\/kafka-cluster-previews\/data\/hadoop-nn\/kafka-logs\), started empty$/,
    );
  });

  it("lists destructive changes first, then disruptive, then safe", () => {
    expect(summary("mixed").changes.map((c) => `${c.impact} ${c.resource}`)).toEqual([
      "destructive topic `Hello-Kafka`",
      "disruptive broker 1 (hadoop-nn)",
      "disruptive broker 2 (hadoop-dn1)",
      "disruptive broker 3 (hadoop-dn2)",
      "safe topic `clicks`",
      "safe topic `orders`",
    ]);
    expect(renderMarkdown(summary("mixed"), { stack: "prod" }).split("\n")[0]).toBe(
      "## Preview of stack `prod`: 1 destructive, 3 disruptive, 2 safe",
    );
  });

  it("shows a refused partition decrease as a failed preview with the topic manager's message", () => {
    const s = summary("decrease");
    expect(s.ok).toBe(false);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toMatch(
      /^pulumi-nodejs:dynamic\/kafka-cluster:KafkaTopic resource 'Hello-Kafka': property partitions value \{2\} has a problem: cannot decrease the partitions of "Hello-Kafka" from 3 to 2: Kafka cannot remove partitions/,
    );
    const md = renderMarkdown(s, { stack: "prod" });
    expect(md).toMatch(/^## Preview of stack `prod`: failed\n\n### Preview failed\n\n/);
    expect(md).toContain('cannot decrease the partitions of "Hello-Kafka" from 3 to 2');
  });

  it("shows a policy violation as a failed preview", () => {
    const s = summary("policy-replication-factor-1");
    expect(s.ok).toBe(false);
    expect(s.errors).toEqual(["preview failed"]);
    expect(s.changes.map((c) => `${c.impact} ${c.resource}`)).toEqual(["safe topic `scratch`"]);
  });

  it("summarizes a new stack: every process starts, the topics are created", () => {
    const s = summary("fresh");
    expect(s.changes.every((c) => c.impact === "safe")).toBe(true);
    expect(s.changes.map((c) => c.resource)).toEqual([
      "broker 1 (hadoop-nn)",
      "broker 2 (hadoop-dn1)",
      "broker 3 (hadoop-dn2)",
      "cluster readiness check",
      "hadoop-nn consumer service",
      "topic `clicks`",
      "topic `Hello-Kafka`",
      "ZooKeeper 1 (hadoop-nn)",
      "ZooKeeper 2 (hadoop-dn1)",
      "ZooKeeper 3 (hadoop-dn2)",
    ]);
    expect(renderMarkdown(s, { stack: "prod" })).toContain(TOPOLOGY);
  });

  it("escapes table cells and reads an empty preview", () => {
    const s = summarize({
      steps: [
        {
          op: "create",
          urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/kafka-cluster:KafkaTopic::t",
          newState: {
            type: "pulumi-nodejs:dynamic/kafka-cluster:KafkaTopic",
            custom: true,
            inputs: { name: "t", partitions: 1, replicationFactor: 3, config: { "x.y": "a|b" } },
          },
        },
      ],
    } as PreviewJson);
    expect(renderMarkdown(s, { stack: "s" })).toContain(
      "| safe | topic `t` | created: 1 partitions, replication factor 3, x.y=a\\|b |",
    );
    expect(summarize({})).toMatchObject({
      ok: true,
      changes: [],
      topology: { hosts: [], brokers: [], zookeeper: [], topics: [] },
    });
  });
});
