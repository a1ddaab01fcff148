// The provider's diff: pure, from the old and new inputs; it never asks the cluster.
import { describe, expect, it } from "vitest";
import { FakeCluster, topicInputs } from "./fake-cluster";

const inputs = topicInputs;

describe("diff", () => {
  const cluster = new FakeCluster();
  const provider = cluster.provider();

  it("replaces a renamed topic, deleting the old one first", async () => {
    expect(await provider.diff!("clicks", inputs(), inputs({ name: "clicks-v2" }))).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: true,
    });
  });

  it("reports no change for the same declaration, with defaults filled in", async () => {
    expect(await provider.diff!("clicks", inputs(), inputs())).toMatchObject({ changes: false, replaces: [] });
    expect(
      await provider.diff!("clicks", inputs({ config: {} }), { ...inputs(), config: undefined as never }),
    ).toMatchObject({
      changes: false,
    });
  });

  it("updates in place for more partitions, another replication factor or config", async () => {
    for (const news of [
      inputs({ partitions: 6 }),
      inputs({ replicationFactor: 2 }),
      inputs({ config: { "retention.ms": "1000" } }),
    ]) {
      expect(await provider.diff!("clicks", inputs(), news)).toEqual({
        changes: true,
        replaces: [],
        deleteBeforeReplace: true,
      });
    }
  });

  it("records a changed policy exemption or data-loss flag (the policy pack reads them) without touching Kafka", async () => {
    expect(await provider.diff!("clicks", inputs(), inputs({ policyExemption: { reason: "scratch" } }))).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await provider.diff!("clicks", inputs(), inputs({ allowDataLoss: true }))).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  it("sees another cluster as a change", async () => {
    expect(await provider.diff!("clicks", inputs(), inputs({ bootstrapServers: "other:9092" }))).toMatchObject({
      changes: true,
    });
  });

  it("asks the cluster nothing", () => {
    expect(cluster.calls).toEqual([]);
  });
});
