import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BrokerProbe, failureReason, type ProbeFn } from "../../../consumer/broker-probe";
import { requestApiVersions } from "../../../lib/kafka/api-versions";
import { KafkaRequestError } from "../../../lib/kafka/exchange";

/** A probe function whose calls the test settles by hand. */
function manualProbe() {
  const calls: Array<{ host: string; port: number; resolve: () => void; reject: (e: Error) => void }> = [];
  const fn: ProbeFn = (host, port) =>
    new Promise<void>((resolve, reject) => calls.push({ host, port, resolve, reject }));
  return { fn, calls };
}

const flush = () => new Promise((r) => setImmediate(r));
const refused = () =>
  new KafkaRequestError("connection", "api-versions request to h:1: connect ECONNREFUSED h:1", false);

describe("BrokerProbe's state machine", () => {
  it("unknown until the first probe settles, then reachable, then unreachable with since and why", async () => {
    let now = 1_000;
    const { fn, calls } = manualProbe();
    const targets = new Map([[1, "127.0.0.1:9092"]]);
    const changes: unknown[] = [];
    const probe = new BrokerProbe({
      targets: () => targets,
      intervalMs: 250,
      timeoutMs: 750,
      clientId: "t",
      probe: fn,
      now: () => now,
      onChange: (b) => changes.push([b.id, b.reachable]),
    });
    probe.tick();
    expect(probe.view()).toEqual([
      { id: 1, address: "127.0.0.1:9092", reachable: null, since: null, lastAnswerAt: null },
    ]);
    expect(calls[0]).toMatchObject({ host: "127.0.0.1", port: 9092 });
    now = 1_010;
    calls[0]!.resolve();
    await flush();
    expect(probe.view()[0]).toMatchObject({ reachable: true, since: 1_010, lastAnswerAt: 1_010 });
    probe.tick();
    now = 1_300;
    calls[1]!.reject(refused());
    await flush();
    expect(probe.view()[0]).toEqual({
      id: 1,
      address: "127.0.0.1:9092",
      reachable: false,
      since: 1_300,
      reason: "connection failed (ECONNREFUSED)",
      lastAnswerAt: 1_010,
    });
    // A second failure keeps the first one's time.
    probe.tick();
    now = 1_600;
    calls[2]!.reject(refused());
    await flush();
    expect(probe.view()[0]).toMatchObject({ reachable: false, since: 1_300 });
    probe.tick();
    now = 1_900;
    calls[3]!.resolve();
    await flush();
    expect(probe.view()[0]).toMatchObject({ reachable: true, since: 1_900, lastAnswerAt: 1_900 });
    expect(probe.view()[0]!.reason).toBeUndefined();
    expect(changes).toEqual([
      [1, true],
      [1, false],
      [1, true],
    ]);
  });

  it("keeps one probe in flight per broker: ticks while it hangs start none", async () => {
    const { fn, calls } = manualProbe();
    const probe = new BrokerProbe({
      targets: () => new Map([[2, "h:2"]]),
      intervalMs: 250,
      timeoutMs: 750,
      clientId: "t",
      probe: fn,
    });
    for (let i = 0; i < 10; i++) probe.tick();
    expect(calls).toHaveLength(1);
    calls[0]!.reject(new KafkaRequestError("timeout", "x timed out after 750 ms", true));
    await flush();
    expect(probe.view()[0]).toMatchObject({
      reachable: false,
      reason: "connected but no answer to ApiVersions within 750 ms",
    });
    probe.tick();
    expect(calls).toHaveLength(2);
  });

  it("keeps probing a broker that left the targets at its last address, and follows a new address", async () => {
    const { fn, calls } = manualProbe();
    let targets = new Map([
      [1, "a:1"],
      [2, "b:2"],
    ]);
    const probe = new BrokerProbe({
      targets: () => targets,
      intervalMs: 250,
      timeoutMs: 750,
      clientId: "t",
      probe: fn,
    });
    probe.tick();
    for (const c of calls.splice(0)) c.resolve();
    await flush();
    targets = new Map([[1, "a:11"]]);
    probe.tick();
    expect(calls.map((c) => `${c.host}:${c.port}`).sort()).toEqual(["a:11", "b:2"]);
    expect(probe.view().map((b) => [b.id, b.address])).toEqual([
      [1, "a:11"],
      [2, "b:2"],
    ]);
  });

  it("a probe function that throws counts as a failed probe", async () => {
    const probe = new BrokerProbe({
      targets: () => new Map([[1, "h:1"]]),
      intervalMs: 250,
      timeoutMs: 750,
      clientId: "t",
      probe: () => {
        throw new Error("boom");
      },
    });
    probe.tick();
    await flush();
    expect(probe.view()[0]).toMatchObject({ reachable: false, reason: "boom" });
  });
});

describe("failureReason", () => {
  it("names a connection that never came, one that was never answered, and a closed one", () => {
    expect(failureReason(new KafkaRequestError("timeout", "t", false), 750)).toBe("no TCP connection within 750 ms");
    expect(failureReason(new KafkaRequestError("timeout", "t", true), 750)).toBe(
      "connected but no answer to ApiVersions within 750 ms",
    );
    expect(failureReason(new KafkaRequestError("closed", "c", true), 750)).toBe("connection closed before an answer");
  });
});

/** Real sockets: a tiny broker that answers ApiVersions v0, one that never answers, and a closed port. */
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onRequest: (socket: net.Socket, correlationId: number) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on("error", () => undefined);
    let data = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
      expect(data.readInt16BE(4)).toBe(18); // ApiVersions
      onRequest(socket, data.readInt32BE(8));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as net.AddressInfo).port;
}

function apiVersionsAnswer(correlationId: number): Buffer {
  const body = Buffer.alloc(4 + 2 + 4 + 6);
  body.writeInt32BE(correlationId, 0);
  body.writeInt16BE(0, 4);
  body.writeInt32BE(1, 6); // one api key
  body.writeInt16BE(18, 10);
  body.writeInt16BE(0, 12);
  body.writeInt16BE(3, 14);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Runs a real probe against one address until it settles once; how long the verdict took. */
async function verdict(
  address: string,
  timeoutMs: number,
): Promise<{ reachable: boolean; reason?: string; ms: number }> {
  const started = performance.now();
  const probe = new BrokerProbe({
    targets: () => new Map([[1, address]]),
    intervalMs: 10_000,
    timeoutMs,
    clientId: "t",
  });
  probe.tick();
  for (;;) {
    const b = probe.view()[0]!;
    if (b.reachable !== null)
      return { reachable: b.reachable, ...(b.reason ? { reason: b.reason } : {}), ms: performance.now() - started };
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("BrokerProbe against real sockets", () => {
  it("a broker that answers ApiVersions is reachable", async () => {
    const port = await listen((s, id) => s.write(apiVersionsAnswer(id)));
    expect(await requestApiVersions("127.0.0.1", port, "t", 1_000)).toBe(0);
    const v = await verdict(`127.0.0.1:${port}`, 750);
    expect(v.reachable).toBe(true);
    expect(v.ms).toBeLessThan(500);
  });

  it("one that accepts and never answers is unreachable only once the deadline passed", async () => {
    const port = await listen(() => undefined);
    const v = await verdict(`127.0.0.1:${port}`, 400);
    expect(v).toMatchObject({ reachable: false, reason: "connected but no answer to ApiVersions within 400 ms" });
    expect(v.ms).toBeGreaterThanOrEqual(390);
    expect(v.ms).toBeLessThan(1_000);
  });

  it("a closed port is unreachable at once", async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const v = await verdict(`127.0.0.1:${port}`, 750);
    expect(v).toMatchObject({ reachable: false, reason: "connection failed (ECONNREFUSED)" });
    expect(v.ms).toBeLessThan(300);
  });

  it("an answer with another correlation id is a failure", async () => {
    const port = await listen((s, id) => s.write(apiVersionsAnswer(id + 1)));
    const v = await verdict(`127.0.0.1:${port}`, 750);
    expect(v.reachable).toBe(false);
    expect(v.reason).toMatch(/^bad api-versions answer from 127\.0\.0\.1:\d+: correlation id/);
  });
});

describe("a stall of the prober itself", () => {
  it("an answer that arrived before the deadline's timer ran still counts", async () => {
    const port = await listen((s, id) => {
      s.write(apiVersionsAnswer(id));
      // The answer is on its way; now this whole process stalls past the client's deadline.
      const until = Date.now() + 300;
      while (Date.now() < until);
    });
    await expect(requestApiVersions("127.0.0.1", port, "t", 150)).resolves.toBe(0);
  });
});
