import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fetchRawMetadata, fetchRawMetadataFromAny, MetadataRequestError } from "../../../../lib/kafka/raw-metadata";

/** A metadata v5 answer: one broker, a controller, no topics. */
function answer(correlationId: number): Buffer {
  const host = Buffer.from("127.0.0.1");
  const body = Buffer.alloc(4 + 4 + 4 + 4 + 2 + host.length + 4 + 2 + 2 + 4 + 4);
  let o = 0;
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt32BE(0, o); // throttle
  o = body.writeInt32BE(1, o); // one broker
  o = body.writeInt32BE(7, o);
  o = body.writeInt16BE(host.length, o);
  o += host.copy(body, o);
  o = body.writeInt32BE(9092, o);
  o = body.writeInt16BE(-1, o); // rack
  o = body.writeInt16BE(-1, o); // cluster id
  o = body.writeInt32BE(7, o); // controller
  body.writeInt32BE(0, o); // topics
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A fake broker on a free loopback port; `onRequest` gets each socket and the request's correlation id. */
async function fakeBroker(onRequest: (socket: net.Socket, correlationId: number) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on("error", () => undefined);
    let data = Buffer.alloc(0);
    let seen = false;
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (seen || data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
      seen = true;
      onRequest(socket, data.readInt32BE(8));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as net.AddressInfo).port;
}

async function failure(p: Promise<unknown>): Promise<{ error: MetadataRequestError; ms: number }> {
  const started = performance.now();
  const error = await p.then(
    () => {
      throw new Error("expected the request to fail");
    },
    (err: unknown) => err as MetadataRequestError,
  );
  expect(error).toBeInstanceOf(MetadataRequestError);
  return { error, ms: performance.now() - started };
}

describe("fetchRawMetadata against a fake broker", () => {
  it("resolves with the broker's answer", async () => {
    const port = await fakeBroker((s, id) => s.write(answer(id)));
    const md = await fetchRawMetadata("127.0.0.1", port, ["t"], "test", 2_000);
    expect(md).toEqual({
      brokers: [{ nodeId: 7, host: "127.0.0.1", port: 9092 }],
      clusterId: null,
      controllerId: 7,
      topics: [],
    });
  });

  it("settles at once when the broker closes the connection mid-answer", async () => {
    const port = await fakeBroker((s, id) => s.end(answer(id).subarray(0, 10)));
    const { error, ms } = await failure(fetchRawMetadata("127.0.0.1", port, ["t"], "test", 10_000));
    expect(error.reason).toBe("closed");
    expect(error.message).toBe(
      `metadata request to 127.0.0.1:${port}: the broker closed the connection after 10 bytes, before a whole answer`,
    );
    expect(ms).toBeLessThan(2_000);
  });

  it("settles when the broker resets the connection without a byte", async () => {
    const port = await fakeBroker((s) => s.resetAndDestroy());
    const { error, ms } = await failure(fetchRawMetadata("127.0.0.1", port, ["t"], "test", 10_000));
    expect(["closed", "connection"]).toContain(error.reason);
    expect(error.message).toMatch(new RegExp(`^metadata request to 127\\.0\\.0\\.1:${port}`));
    expect(ms).toBeLessThan(2_000);
  });

  it("times out when the broker never answers", async () => {
    const port = await fakeBroker(() => undefined);
    const { error, ms } = await failure(fetchRawMetadata("127.0.0.1", port, ["t"], "test", 300));
    expect(error.reason).toBe("timeout");
    expect(error.message).toBe(`metadata request to 127.0.0.1:${port} timed out after 300 ms`);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1_500);
  });

  it("times out from the call, not the last byte, when the broker trickles its answer", async () => {
    const port = await fakeBroker((s, id) => {
      const bytes = answer(id);
      let i = 0;
      const t = setInterval(() => (i < bytes.length ? s.write(bytes.subarray(i, ++i)) : clearInterval(t)), 50);
      s.once("close", () => clearInterval(t));
    });
    const { error, ms } = await failure(fetchRawMetadata("127.0.0.1", port, ["t"], "test", 400));
    expect(error.reason).toBe("timeout");
    expect(ms).toBeLessThan(1_500);
  });

  it("refuses an answer whose size is not a metadata answer's, without waiting for it", async () => {
    const port = await fakeBroker((s) => s.write(Buffer.from([0x7f, 0xff, 0xff, 0xff])));
    const { error } = await failure(fetchRawMetadata("127.0.0.1", port, ["t"], "test", 5_000));
    expect(error.reason).toBe("bad-answer");
    expect(error.message).toBe(`bad metadata answer from 127.0.0.1:${port}: size 2147483647 bytes`);
  });

  it("reports a refused connection", async () => {
    const port = await fakeBroker(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const { error } = await failure(fetchRawMetadata("127.0.0.1", port, ["t"], "test", 2_000));
    expect(error.reason).toBe("connection");
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("fetchRawMetadataFromAny goes on to the next broker after one that closes mid-request", async () => {
    const closing = await fakeBroker((s) => s.end());
    const good = await fakeBroker((s, id) => s.write(answer(id)));
    const md = await fetchRawMetadataFromAny([`127.0.0.1:${closing}`, `127.0.0.1:${good}`], ["t"], "test", 5_000);
    expect(md.controllerId).toBe(7);
  });
});
