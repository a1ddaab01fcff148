// node-zookeeper-client 1.1.3 keeps the unparsed bytes of a message that was
// cut off when its socket closed (pendingBuffer), and prepends them to the
// first bytes of the next connection: the answer it then reads is garbage,
// and its socket handler throws ("Unknown code: -461045760",
// alexguan/node-zookeeper-client#70, #23), out of reach of any caller: the
// process dies. That happens when ZooKeeper is killed mid-answer, exactly
// when the health service must keep reporting. This drops the stale bytes
// when a socket closes, and turns a message it still cannot parse into a lost
// connection, which the client already handles by reconnecting.
// It patches the client's prototype in this process only; the package is
// pinned, and the consumer-service tests kill ZooKeeper under it.
interface ConnectionManagerLike {
  pendingBuffer: Buffer | null;
  /** Set once the fix is applied: marked on the prototype, so a second copy of this module (or a
   * serialized one in a dynamic provider) sees it and does not wrap the methods twice. */
  fixedByKafkaCluster?: true;
  socket?: { destroy(): void };
  onSocketData(buffer: Buffer): void;
  onSocketClosed(hasError: boolean): void;
}

export function fixZookeeperClient(): void {
  // Static requires: the consumer service runs as an esbuild bundle, which must carry the same module the client uses.
  const { version } = require("node-zookeeper-client/package.json") as { version: string };
  if (version !== "1.1.3") {
    throw new Error(
      `lib/zookeeper/client-fix.ts patches node-zookeeper-client 1.1.3; found ${version}: check the patch still fits`,
    );
  }
  const proto = (require("node-zookeeper-client/lib/ConnectionManager.js") as { prototype: ConnectionManagerLike })
    .prototype;
  if (proto.fixedByKafkaCluster) return;
  const onSocketData = proto.onSocketData;
  const onSocketClosed = proto.onSocketClosed;
  proto.onSocketData = function (this: ConnectionManagerLike, buffer: Buffer) {
    try {
      onSocketData.call(this, buffer);
    } catch (err) {
      // Only what misreading the bytes throws; an error of a caller's callback stays the caller's.
      if (!(err instanceof RangeError) && !/^Unknown code: |out of buffer range/.test((err as Error).message))
        throw err;
      this.pendingBuffer = null;
      this.socket?.destroy(); // the client reconnects when its socket closes
    }
  };
  proto.onSocketClosed = function (this: ConnectionManagerLike, hasError: boolean) {
    this.pendingBuffer = null;
    onSocketClosed.call(this, hasError);
  };
  proto.fixedByKafkaCluster = true;
}
