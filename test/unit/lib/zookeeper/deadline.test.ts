import { describe, expect, it, vi } from "vitest";
import {
  exists,
  getChildren,
  getData,
  getJson,
  readBrokerRegistrations,
  ZooKeeperTimeoutError,
  type ZkClient,
} from "../../../../lib/zookeeper/client";

/** A client whose requests are queued and never answered, as node-zookeeper-client does while disconnected. */
const silent = {
  exists: () => undefined,
  getChildren: () => undefined,
  getData: () => undefined,
} as unknown as ZkClient;

async function timedOut(p: Promise<unknown>, path: string, ms: number): Promise<void> {
  const started = performance.now();
  const err = await p.then(
    () => new Error("expected a timeout"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZooKeeperTimeoutError);
  expect((err as Error).message).toBe(`ZooKeeper did not answer a read of ${path} within ${ms} ms`);
  expect((err as ZooKeeperTimeoutError).retriable).toBe(true);
  expect(performance.now() - started).toBeLessThan(ms + 1_000);
}

describe("ZooKeeper reads have deadlines", () => {
  it("exists, getChildren, getData and getJson reject at their deadline when ZooKeeper never answers", async () => {
    await Promise.all([
      timedOut(exists(silent, "/a", 100), "/a", 100),
      timedOut(getChildren(silent, "/b", undefined, 150), "/b", 150),
      timedOut(
        getChildren(silent, "/b", () => undefined, 150),
        "/b",
        150,
      ),
      timedOut(getData(silent, "/c", undefined, 120), "/c", 120),
      timedOut(
        getJson(silent, "/d", () => undefined, 130),
        "/d",
        130,
      ),
    ]);
  });

  it("a read that answers in time resolves and leaves no timer behind", async () => {
    const answering = {
      getChildren: (_p: string, cb: (e: null, c: string[]) => void) => setTimeout(() => cb(null, ["2", "1"]), 10),
      getData: (_p: string, cb: (e: null, d: Buffer) => void) =>
        setTimeout(() => cb(null, Buffer.from('{"brokerid":2}')), 10),
    } as unknown as ZkClient;
    expect(await readBrokerRegistrations(answering)).toEqual({ brokerIds: [1, 2], controller: 2 });
  });

  it("readBrokerRegistrations rejects by its reads' deadline (10 s by default)", async () => {
    vi.useFakeTimers();
    try {
      const settled = readBrokerRegistrations(silent).then(
        () => "resolved",
        (e: unknown) => e,
      );
      await vi.advanceTimersByTimeAsync(9_999);
      expect(await Promise.race([settled, Promise.resolve("pending")])).toBe("pending");
      await vi.advanceTimersByTimeAsync(1);
      expect(await settled).toBeInstanceOf(ZooKeeperTimeoutError);
    } finally {
      vi.useRealTimers();
    }
  });
});
