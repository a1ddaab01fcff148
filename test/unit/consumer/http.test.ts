import * as http from "node:http";
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, listen, type Endpoints, type HttpLimits, type Shed } from "../../../consumer/http";

const servers: http.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

function endpoints(over: Partial<Endpoints> = {}): Endpoints {
  return {
    health: () => ({ ok: true, body: { status: "ok" } }),
    ready: () => ({ ok: true, body: {} }),
    stats: (q) => ({ status: 200, body: { top: q.get("top") } }),
    metrics: async () => ({ contentType: "text/plain", text: "m 1\n" }),
    ...over,
  };
}

async function serve(
  limits: HttpLimits,
  over: Partial<Endpoints> = {},
): Promise<{ port: number; server: http.Server; shed: Shed[] }> {
  const shed: Shed[] = [];
  const server = createHttpServer(endpoints(over), limits, (why) => shed.push(why));
  servers.push(server);
  const { port } = await listen(server, "127.0.0.1", 0);
  return { port, server, shed };
}

/** One request on its own connection: status and body, or the error. */
function get(port: number, path: string, timeoutMs = 2_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
  });
}

/** A client that connects and sends a request's headers a byte at a time, never finishing them. */
function slowClient(port: number, closed: { count: number }): net.Socket {
  const s = net.connect({ host: "127.0.0.1", port });
  sockets.push(s);
  const text = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(10_000);
  let i = 0;
  const t = setInterval(() => s.writable && s.write(text[i++ % text.length]!), 100);
  s.on("error", () => undefined);
  s.once("close", () => {
    clearInterval(t);
    closed.count++;
  });
  return s;
}

const connections = (server: http.Server): Promise<number> =>
  new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the service's HTTP server under slow and many clients", () => {
  it("200 slow clients: /health keeps answering, open connections stay within maxConnections", async () => {
    const limits = { maxConnections: 32, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, checkIntervalMs: 1_000 };
    const { port, server, shed } = await serve(limits);
    const closed = { count: 0 };
    for (let i = 0; i < 200; i++) slowClient(port, closed);
    await sleep(1_000);
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const r = await get(port, "/health");
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ status: "ok" });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(await connections(server)).toBeLessThanOrEqual(limits.maxConnections);
      await sleep(50);
    }
    // Every connection past the limit was closed by the server: the rest still wait for their headers.
    expect(closed.count).toBeGreaterThanOrEqual(200 - limits.maxConnections);
    expect(shed.length).toBeGreaterThanOrEqual(200 - limits.maxConnections);
  }, 20_000);

  it("closes a client that takes longer than headersTimeout for its headers", async () => {
    const limits = { maxConnections: 8, headersTimeoutMs: 400, requestTimeoutMs: 800, checkIntervalMs: 100 };
    const { port } = await serve(limits);
    const closed = { count: 0 };
    const s = slowClient(port, closed);
    let answer = "";
    s.setEncoding("utf8").on("data", (d: string) => (answer += d));
    const started = performance.now();
    await new Promise((r) => s.once("close", r));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("refuses a connection past maxConnections when every open one is being answered", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const limits = { maxConnections: 4, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, checkIntervalMs: 1_000 };
    const { port, shed } = await serve(limits, {
      metrics: async () => {
        await held;
        return { contentType: "text/plain", text: "m 1\n" };
      },
    });
    const slow = Array.from({ length: 4 }, () => get(port, "/metrics", 5_000).catch((err: Error) => err));
    await sleep(300);
    await expect(get(port, "/health", 1_000)).rejects.toThrow();
    expect(shed).toContain("refused");
    release();
    for (const r of await Promise.all(slow)) expect(r).toMatchObject({ status: 200 });
    expect((await get(port, "/health")).status).toBe(200);
  });

  it("passes /stats its query, and names an unknown endpoint", async () => {
    const { port } = await serve({
      maxConnections: 8,
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 10_000,
      checkIntervalMs: 1_000,
    });
    expect(await get(port, "/stats?top=5")).toEqual({ status: 200, body: '{\n  "top": "5"\n}\n' });
    const r = await get(port, "/nope?x=1");
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error).toBe("no such endpoint /nope");
  });
});
