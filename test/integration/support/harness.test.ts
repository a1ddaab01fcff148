import { kafkajs } from "../../../lib/kafkajs";
import { describe, expect, inject, it } from "vitest";
import { readClusterState } from "../../../support/zk";

const { Kafka, logLevel } = kafkajs();

const cluster = inject("cluster");

describe("test cluster", () => {
  it("is registered in ZooKeeper: brokers 1, 2, 3 and a controller among them", async () => {
    const state = await readClusterState(cluster.zookeeperConnect, 5_000);
    expect(state.brokerIds).toEqual([1, 2, 3]);
    expect([1, 2, 3]).toContain(state.controller);
  });

  it("answers the admin API on every broker's own loopback address", async () => {
    const addresses = cluster.brokers.map((b) => `${b.host}:${b.port}`);
    expect(new Set(cluster.brokers.map((b) => b.host)).size).toBe(3);
    for (const address of addresses) {
      // One broker at a time, so each address is shown to answer by itself.
      const admin = new Kafka({ clientId: "harness-test", brokers: [address], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const described = await admin.describeCluster();
        expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
        expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...addresses].sort());
        expect([1, 2, 3]).toContain(described.controller);
      } finally {
        await admin.disconnect();
      }
    }
  });
});
