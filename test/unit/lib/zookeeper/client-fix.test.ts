import * as zookeeper from "node-zookeeper-client";
import { describe, expect, it } from "vitest";
import { fixZookeeperClient } from "../../../../lib/zookeeper/client-fix";

interface Manager {
  pendingBuffer: Buffer | null;
  socket: { destroy(): void } | undefined;
  state: number;
  onSocketData(b: Buffer): void;
  onSocketClosed(hasError: boolean): void;
}

/** A message as a confused read makes of it: a frame whose error code is no ZooKeeper code. */
function garbageFrame(): Buffer {
  const body = Buffer.alloc(16);
  body.writeInt32BE(5, 0); // xid
  body.writeBigInt64BE(1n, 4); // zxid
  body.writeInt32BE(-461045760, 12); // err, as seen in CI
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

// The client's connection manager fed by hand: no server, so nothing reconnects.
function manager(): Manager {
  const client = zookeeper.createClient("127.0.0.1:1") as unknown as { connectionManager: Manager };
  return client.connectionManager;
}

// Each case fails without the fix: the first throws "Unknown code", the second keeps the bytes.
describe("node-zookeeper-client fix", () => {
  it("fixed, a garbled answer drops the connection instead, so the client reconnects", () => {
    fixZookeeperClient();
    const m = manager();
    let destroyed = 0;
    m.socket = { destroy: () => void destroyed++ };
    m.pendingBuffer = Buffer.from([0, 0]);
    expect(() => m.onSocketData(garbageFrame())).not.toThrow();
    expect(destroyed).toBe(1);
    expect(m.pendingBuffer).toBeNull();
  });

  it("fixed, the unread bytes of a closed connection are not read as the start of the next one", () => {
    fixZookeeperClient();
    const m = manager();
    m.pendingBuffer = Buffer.from([0, 0, 0, 40, 1, 2]);
    m.state = 3; // CLOSING: closing the socket does not reconnect
    m.onSocketClosed(false);
    expect(m.pendingBuffer).toBeNull();
  });
});
