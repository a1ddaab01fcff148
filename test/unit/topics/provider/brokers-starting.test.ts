import { describe, expect, it } from "vitest";
import { readClusterFacts, whileBrokersStart } from "../../../../topics/provider";

// The answers of a broker that has just started: a stand-in for a moment a
// real cluster shows only by chance (the integration tests cover the rest).
describe("readClusterFacts", () => {
  it("reads no brokers, without asking a broker 'undefined' for its config, when the answering broker knows none yet", async () => {
    const facts = await readClusterFacts({
      describeCluster: async () => ({ brokers: [], controller: null, clusterId: "c" }),
      describeConfigs: async () => {
        throw new Error("Broker undefined not found in the cached metadata");
      },
    } as never);
    expect(facts).toEqual({ brokers: [] });
  });

  it("reads the brokers and the default min.insync.replicas from the lowest id", async () => {
    const asked: string[] = [];
    const facts = await readClusterFacts({
      describeCluster: async () => ({
        brokers: [3, 1, 2].map((nodeId) => ({ nodeId, host: "h", port: 9092 })),
        controller: 1,
        clusterId: "c",
      }),
      describeConfigs: async ({ resources }: { resources: Array<{ name: string }> }) => {
        asked.push(...resources.map((r) => r.name));
        return { resources: [{ configEntries: [{ configName: "min.insync.replicas", configValue: "2" }] }] };
      },
    } as never);
    expect(facts).toEqual({ brokers: [1, 2, 3], defaultMinIsr: 2 });
    expect(asked).toEqual(["1"]);
  });
});

describe("whileBrokersStart", () => {
  const named = (name: string): Error => Object.assign(new Error(`${name} happened`), { name });

  it("asks again while the broker asked does not know the controller yet, then returns the answer", async () => {
    let calls = 0;
    const answer = await whileBrokersStart(async () => {
      if (++calls < 3) throw named(calls === 1 ? "KafkaJSBrokerNotFound" : "KafkaJSMetadataNotLoaded");
      return "created";
    });
    expect([answer, calls]).toEqual(["created", 3]);
  });

  it("passes any other error on at once, and a starting error once the wait is over", async () => {
    let calls = 0;
    await expect(
      whileBrokersStart(async () => (calls++, Promise.reject(named("KafkaJSProtocolError")))),
    ).rejects.toThrow("KafkaJSProtocolError happened");
    expect(calls).toBe(1);
    await expect(whileBrokersStart(async () => Promise.reject(named("KafkaJSBrokerNotFound")), 0)).rejects.toThrow(
      "KafkaJSBrokerNotFound happened",
    );
  });
});
