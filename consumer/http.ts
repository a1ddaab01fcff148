// The service's HTTP endpoints: /health, /ready, /metrics, /stats.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Endpoints {
  /** JSON body and whether all is well (200) or not (503). */
  health(): { ok: boolean; body: unknown };
  ready(): { ok: boolean; body: unknown };
  stats(): unknown;
  metrics(): Promise<{ contentType: string; text: string }>;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

export function createHttpServer(endpoints: Endpoints): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD")
      return json(res, 405, { error: `method ${req.method} not allowed` });
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
        case "/stats":
          return json(res, 200, endpoints.stats());
        case "/metrics": {
          const m = await endpoints.metrics();
          res.writeHead(200, { "content-type": m.contentType });
          return res.end(m.text);
        }
        default:
          return json(res, 404, {
            error: `no such endpoint ${path}`,
            endpoints: ["/health", "/ready", "/metrics", "/stats"],
          });
      }
    })().catch((err: unknown) => json(res, 500, { error: (err as Error).message }));
  });
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
