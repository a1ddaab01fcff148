import * as http from "node:http";
import * as vm from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, listen, type Endpoints } from "../../../consumer/http";
import { brokerCard, partitionTile, topicsHtml } from "../../../consumer/page/client";
import { EventHub } from "../../../consumer/page/events";
import { renderPage } from "../../../consumer/page/html";
import { pageSnapshot, wordsOf, type PageSnapshot } from "../../../consumer/page/model";
import { HOSTS, partition, report, window } from "./page-fixture";

const snapshot = (over: Parameters<typeof report>[0] = {}): PageSnapshot =>
  pageSnapshot({ report: report(over), topics: ["Hello-Kafka", "missing"], group: "g", hosts: HOSTS, windows: [] });

describe("status page model", () => {
  it("lists a broker that went away as down, with its last address, and marks the controller", () => {
    const s = snapshot({ cluster: { ...report().cluster, liveBrokers: [1, 3], controller: 3 } });
    expect(s.brokers).toEqual([
      { id: 1, up: true, controller: false, host: "127.0.26.11:9092" },
      { id: 2, up: false, controller: false, host: "127.0.26.12:9092" },
      { id: 3, up: true, controller: true, host: "127.0.26.13:9092" },
    ]);
  });

  it("groups partitions by watched topic, a topic without partitions included", () => {
    const s = snapshot({ partitions: [partition(0, "under_replicated", { isr: [1, 2], lag: 7 })] });
    expect(s.topics.map((t) => [t.name, t.partitions.length])).toEqual([
      ["Hello-Kafka", 1],
      ["missing", 0],
    ]);
    expect(s.topics[0]!.partitions[0]).toMatchObject({ state: "under_replicated", isr: [1, 2], lag: 7 });
    expect(s.topics[0]!.minIsr).toBe(2);
  });

  it("adds up the top words of the latest windows, most frequent first", () => {
    const w = wordsOf([window(3000, { a: 1, b: 5 }), window(2000, { a: 6 }), window(1000, { z: 100 })], 2, 5);
    expect(w).toEqual({
      windows: 2,
      from: 2000,
      to: 4000,
      messages: 12,
      top: [
        ["a", 7],
        ["b", 5],
      ],
    });
  });
});

describe("status page HTML", () => {
  it("is one document: inline style, script and snapshot, nothing loaded from elsewhere", () => {
    const html = renderPage(snapshot());
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).toContain('<script type="application/json" id="initial">');
    expect(html).toContain("startPage();");
  });

  it("keeps a hostile topic name inside its script element and escaped in the page", () => {
    const evil = "</script><b>x";
    const s = pageSnapshot({ report: report(), topics: [evil], group: "g", hosts: HOSTS, windows: [] });
    const html = renderPage(s);
    expect(html.split("</script>").length).toBe(3); // the two script elements' own ends only
    expect(topicsHtml(s)).toContain("&#60;/script&#62;&#60;b&#62;x");
  });

  it("the script parses and renders a tile per partition with its state", () => {
    const html = renderPage(snapshot());
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    expect(() => new vm.Script(script)).not.toThrow();
    const tile = partitionTile("Hello-Kafka", snapshot().topics[0]!.partitions[0]!, [1, 2, 3]);
    expect(tile).toContain('data-partition="Hello-Kafka/0" data-state="ok"');
    expect(tile).toContain('<span class="chip leader in"');
  });
});

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

/** Opens /events and collects its `snapshot` events' data. */
function stream(port: number): Promise<{ status: number; events: unknown[]; req: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const events: unknown[] = [];
    const req = http.get({ host: "127.0.0.1", port, path: "/events", agent: false }, (res) => {
      let buf = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        buf += d;
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const data = /^data: (.*)$/m.exec(buf.slice(0, i));
          if (data) events.push(JSON.parse(data[1]!));
          buf = buf.slice(i + 2);
        }
      });
      resolve({ status: res.statusCode!, events, req });
    });
    req.on("error", reject);
  });
}

describe("/events", () => {
  it("sends the snapshot, then each change; past the cap 503, and /health still answers", async () => {
    let n = 0;
    const hub = new EventHub(() => ({ checkedAt: Date.now(), n }), { maxClients: 2, intervalMs: 20 });
    const endpoints: Endpoints = {
      health: () => ({ ok: true, body: {} }),
      ready: () => ({ ok: true, body: {} }),
      stats: () => ({ status: 200, body: {} }),
      metrics: async () => ({ contentType: "text/plain", text: "" }),
      page: () => "<!doctype html>",
      events: (req, res) => hub.handle(req, res),
    };
    const server = createHttpServer(endpoints, {
      maxConnections: 4,
      headersTimeoutMs: 1000,
      requestTimeoutMs: 1000,
      checkIntervalMs: 100,
    });
    servers.push(server);
    server.once("close", () => hub.close());
    const { port } = await listen(server, "127.0.0.1", 0);
    const a = await stream(port);
    const b = await stream(port);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await stream(port)).status).toBe(503);
    n = 1;
    await new Promise((r) => setTimeout(r, 200));
    expect(a.events).toEqual([expect.objectContaining({ n: 0 }), expect.objectContaining({ n: 1 })]);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    a.req.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(hub.size).toBe(1);
    expect((await stream(port)).status).toBe(200);
  });
});

describe("the broker card and the direct probe", () => {
  it("a registered broker the probe cannot reach turns red, says unreachable and why", () => {
    const r = report();
    const s = pageSnapshot({
      report: {
        ...r,
        cluster: {
          ...r.cluster,
          brokers: [
            { id: 1, address: "127.0.26.11:9092", registered: true, reachable: true },
            {
              id: 2,
              address: "127.0.26.12:9092",
              registered: true,
              reachable: false,
              unreachableSince: "2026-12-02T16:00:00.000Z",
              reason: "connection failed (ECONNREFUSED)",
            },
          ],
        },
      },
      topics: ["Hello-Kafka"],
      group: "g",
      hosts: HOSTS,
      windows: [],
    });
    expect(s.brokers[1]).toMatchObject({ id: 2, up: true, reachable: false });
    const card = brokerCard(s.brokers[1]!);
    expect(card).toContain('class="broker down"');
    expect(card).toContain('data-reachable="false"');
    expect(card).toContain("up · unreachable");
    expect(card).toContain('title="unreachable: connection failed (ECONNREFUSED)"');
    expect(brokerCard(s.brokers[0]!)).toContain('class="broker up"');
    expect(brokerCard(s.brokers[2]!)).not.toContain("data-reachable");
  });
});
