import { describe, expect, it } from "vitest";
import { connectZk, createZkClient, ZooKeeperUnreachableError } from "../../../../lib/zookeeper/client";

describe("ZooKeeper client wrapper", () => {
  // Never connected, so there is nothing to close.
  it("applies the client fix before it makes a client", () => {
    const client = createZkClient("127.0.0.1:1");
    const manager = (client as unknown as { connectionManager: object }).connectionManager;
    expect((Object.getPrototypeOf(manager) as { fixedByKafkaCluster?: true }).fixedByKafkaCluster).toBe(true);
  });

  it("gives up connecting at the deadline, naming the address", async () => {
    const started = Date.now();
    const err = await connectZk("127.0.0.1:1", { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZooKeeperUnreachableError);
    expect((err as Error).message).toBe("could not connect to ZooKeeper at 127.0.0.1:1 within 300 ms");
    expect((err as ZooKeeperUnreachableError).retriable).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
