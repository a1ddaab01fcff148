// The service's HTTP endpoints: /health, /ready, /metrics, /stats, the status
// page at / and its /events; and the limits that keep them answering under
// slow or many clients.
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Endpoints {
  /** JSON body and whether all is well (200) or not (503). */
  health(): { ok: boolean; body: unknown };
  ready(): { ok: boolean; body: unknown };
  stats(query: URLSearchParams): { status: number; body: unknown };
  metrics(): Promise<{ contentType: string; text: string }>;
  /** The status page's HTML. */
  page?(): string;
  /** Server-sent events for the page: takes over the response (see page/events.ts). */
  events?(req: http.IncomingMessage, res: http.ServerResponse): void;
}

const ENDPOINTS = ["/", "/events", "/health", "/ready", "/metrics", "/stats"];

export interface HttpLimits {
  /** Open connections at most; at the limit, the oldest connection not being answered is closed for the next. */
  readonly maxConnections: number;
  /** A client has this long to send its headers (slow-header clients are answered 408 and closed). */
  readonly headersTimeoutMs: number;
  /** ...and this long for the whole request. */
  readonly requestTimeoutMs: number;
  /** How often Node.js checks those two deadlines. */
  readonly checkIntervalMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxConnections: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  checkIntervalMs: 1_000,
};

/** Why a connection was shed: refused at the limit, or closed to make room for a new one. */
export type Shed = "refused" | "evicted";

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

function route(endpoints: Endpoints, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (req.method !== "GET" && req.method !== "HEAD")
    return json(res, 405, { error: `method ${String(req.method).slice(0, 20)} not allowed` });
  void (async () => {
    switch (path) {
      case "/health": {
        const h = endpoints.health();
        return json(res, h.ok ? 200 : 503, h.body);
      }
      case "/ready": {
        const r = endpoints.ready();
        return json(res, r.ok ? 200 : 503, r.body);
      }
      case "/stats": {
        const s = endpoints.stats(new URLSearchParams(q < 0 ? "" : url.slice(q + 1)));
        return json(res, s.status, s.body);
      }
      case "/":
        if (!endpoints.page) break;
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        return res.end(endpoints.page());
      case "/events":
        if (!endpoints.events) break;
        return endpoints.events(req, res);
      case "/metrics": {
        const m = await endpoints.metrics();
        res.writeHead(200, { "content-type": m.contentType });
        return res.end(m.text);
      }
    }
    return json(res, 404, { error: `no such endpoint ${path.slice(0, 100)}`, endpoints: ENDPOINTS });
  })().catch((err: unknown) => json(res, 500, { error: (err as Error).message }));
}

/** A connection this young may have its request on the way: it is never closed to make room. */
const NEW_CONNECTION_MS = 250;

/**
 * Connections in arrival order, each marked while a request on it is being
 * answered. Node.js refuses connections past maxConnections; this keeps one
 * place free for the next client by closing the oldest idle connection (one
 * still sending its headers, or a keep-alive one between requests) whenever
 * the server is full: when one arrives or is refused, and every 200 ms. Slow
 * clients so cannot keep /health from a new client for the length of the
 * header timeout.
 */
function shedConnections(server: http.Server, max: number, onShed: (why: Shed) => void): void {
  const conns = new Map<Socket, { since: number; answering: boolean }>();
  const makeRoom = (): void => {
    if (conns.size < max) return;
    const now = Date.now();
    for (const [s, c] of conns) {
      if (c.answering || now - c.since < NEW_CONNECTION_MS) continue;
      conns.delete(s);
      s.destroy();
      onShed("evicted");
      return;
    }
  };
  server.maxConnections = max;
  server.on("drop", () => {
    onShed("refused");
    makeRoom();
  });
  server.on("connection", (socket: Socket) => {
    conns.set(socket, { since: Date.now(), answering: false });
    socket.once("close", () => conns.delete(socket));
    makeRoom();
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const c = conns.get(req.socket);
    if (!c) return;
    c.answering = true;
    res.once("close", () => (c.answering = false));
  });
  const sweep = setInterval(makeRoom, 200).unref();
  server.once("close", () => clearInterval(sweep));
}

export function createHttpServer(
  endpoints: Endpoints,
  limits: HttpLimits = DEFAULT_HTTP_LIMITS,
  onShed: (why: Shed) => void = () => undefined,
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 8 * 1024,
    },
    (req, res) => route(endpoints, req, res),
  );
  shedConnections(server, limits.maxConnections, onShed);
  return server;
}

/** Listens and resolves with the bound address; rejects with the address in the message. */
export function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
