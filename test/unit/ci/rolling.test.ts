// The preview summary's word for a restart that rolls (infra/roll/): brokers
// and an ensemble's nodes restarted one at a time are "rolling", not "disruptive".
import { describe, expect, it } from "vitest";
import { classify } from "../../../ci/changes";
import { TYPES } from "../../../ci/resources";
import { rollOrder } from "../../../ci/markdown";

const URN = (name: string): string =>
  `urn:pulumi:local::kafka-cluster::kafka-cluster:infra:KafkaCluster$${TYPES.localProcess}::${name}`;
const files = (v: string) => ({ "/d/run/kafka/server.properties": `broker.id=1\nreplica.lag.time.max.ms=${v}\n` });

function update(name: string, roll: unknown) {
  const inputs = (v: string) => ({ label: "hadoop-nn kafka broker 1", files: files(v), ...(roll ? { roll } : {}) });
  return classify(
    {
      op: "update",
      urn: URN(name),
      oldState: { type: TYPES.localProcess, custom: true, inputs: inputs("30000") },
      newState: { type: TYPES.localProcess, custom: true, inputs: inputs("30001") },
    },
    "update",
  );
}

describe("restarts in the preview summary", () => {
  it("calls a broker's restart rolling when it takes part in the roll", () => {
    const change = update("kafka-broker-1", {
      kind: "broker",
      zookeeperConnect: "z:2181",
      brokerId: 1,
      defaultMinIsr: 2,
    });
    expect(change?.impact).toBe("rolling");
    expect(change?.what).toBe(
      "restarts in turn: one broker at a time, the controller last, each back in sync before the next " +
        "(server.properties: replica.lag.time.max.ms 30000 → 30001)",
    );
  });

  it("calls an ensemble node's restart rolling, naming the quorum", () => {
    const roll = { kind: "zookeeper", ensemble: [], myId: 1 };
    expect(update("kafka-zookeeper-1", roll)?.what).toMatch(/^restarts in turn: one node at a time, the leader last/);
  });

  it("keeps a restart all at once disruptive", () => {
    expect(update("kafka-broker-1", undefined)?.impact).toBe("disruptive");
  });

  it("says the restart order: ensemble nodes, then brokers, each by id, leader and controller last", () => {
    const c = (resource: string, impact: "rolling" | "safe" = "rolling") => ({
      impact,
      resource,
      op: "update",
      what: "",
    });
    expect(
      rollOrder([
        c("broker 3 (hadoop-dn2)"),
        c("broker 1 (hadoop-nn)"),
        c("ZooKeeper 2"),
        c("ZooKeeper 1"),
        c("x", "safe"),
      ]),
    ).toBe("ZooKeeper 1, 2 (the leader moves to the end), then brokers 1, 3 (the controller moves to the end)");
    expect(rollOrder([c("topic t", "safe")])).toBeUndefined();
  });
});
