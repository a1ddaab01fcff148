// The preview summary of topology changes: brokers added (and whether
// replicas spread onto them) or removed (drained first), and a new Kafka
// release on an ssh host, which the host's processes roll onto.
import { describe, expect, it } from "vitest";
import { summarize, type PreviewJson } from "../../../ci/summary";

const PLACEMENT = "pulumi-nodejs:dynamic/kafka-cluster:BrokerPlacement";
const INSTALL = "pulumi-nodejs:dynamic/kafka-cluster:RemoteKafkaInstall";
const urn = (type: string, name: string) => `urn:pulumi:prod::kafka-cluster::${type}::${name}`;
const placement = (brokers: number[], extra: Record<string, unknown> = {}) => ({
  type: PLACEMENT,
  custom: true,
  inputs: {
    bootstrapServers: "b:9092",
    brokers,
    rebalance: false,
    drain: false,
    throttleBytesPerSecond: 1024,
    ...extra,
  },
});
const rows = (p: PreviewJson) => summarize(p).changes.map((c) => `${c.impact} | ${c.resource} | ${c.what}`);
const step = (oldState: object, newState: object) => ({
  op: "update",
  urn: urn(PLACEMENT, "kafka-placement"),
  oldState,
  newState,
});

describe("topology changes in the preview summary", () => {
  it("a broker added with rebalancing: replicas spread onto it, throttled", () => {
    const p: PreviewJson = { steps: [step(placement([1, 2, 3]), placement([1, 2, 3, 4], { rebalance: true }))] };
    expect(rows(p)).toEqual([
      "safe | replica placement | broker 4 added: every topic's replicas spread onto them, throttled to 1024 B/s per broker",
    ]);
  });

  it("a broker added without rebalancing moves nothing; a removed one is drained, counting its replicas", () => {
    const added: PreviewJson = { steps: [step(placement([1, 2, 3]), placement([1, 2, 3, 4]))] };
    expect(rows(added)[0]).toContain("broker 4 added, no replicas move (no rebalance declared)");
    const old = { ...placement([1, 2, 3, 4]), outputs: { replicasByBroker: { "1": 3, "4": 2 } } };
    const removed: PreviewJson = { steps: [step(old, placement([1, 2, 3], { drain: true }))] };
    expect(rows(removed)[0]).toContain("broker 4 removed: 2 replicas (at the last up) move to the others first");
  });

  it("a new Kafka release on an ssh host is rolling, not disruptive", () => {
    const at = (version: string) => ({
      type: INSTALL,
      custom: true,
      inputs: { label: "x", version, kafkaHome: `/d/hadoop-nn/kafka_2.13-${version}` },
    });
    const p: PreviewJson = {
      steps: [
        { op: "replace", urn: urn(INSTALL, "kafka-install-hadoop-nn"), oldState: at("3.9.1"), newState: at("3.9.2") },
      ],
    };
    expect(summarize(p).changes[0]).toMatchObject({ impact: "rolling" });
    expect(rows(p)[0]).toContain("Kafka 3.9.1 → 3.9.2: unpacked beside the old release");
  });
});
