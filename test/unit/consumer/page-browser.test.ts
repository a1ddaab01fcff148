// The status page in headless Chromium against the HTTP server with a report
// the test controls (no cluster): it follows changes without a reload, and a
// page refused an event stream at the cap gets one once a place is free.
import type * as http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthReport } from "../../../consumer/health";
import { createHttpServer, listen, type Endpoints } from "../../../consumer/http";
import { EventHub } from "../../../consumer/page/events";
import { renderPage } from "../../../consumer/page/html";
import { pageSnapshot } from "../../../consumer/page/model";
import { openBrowser, type Browser } from "../../../support/browser";
import { HOSTS, partition, report, window } from "./page-fixture";

let current: HealthReport = report();
const snapshot = () =>
  pageSnapshot({
    report: { ...current, checkedAt: Date.now() },
    topics: ["Hello-Kafka"],
    group: "g",
    hosts: HOSTS,
    windows: [window(1000, { kafka: 3, hello: 2 })],
  });
const hub = new EventHub(snapshot, { maxClients: 1, intervalMs: 100 });
let server: http.Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const endpoints: Endpoints = {
    health: () => ({ ok: true, body: {} }),
    ready: () => ({ ok: true, body: {} }),
    stats: () => ({ status: 200, body: {} }),
    metrics: async () => ({ contentType: "text/plain", text: "" }),
    page: () => renderPage(snapshot()),
    events: (req, res) => hub.handle(req, res),
  };
  server = createHttpServer(endpoints);
  const { port } = await listen(server, "127.0.0.1", 0);
  url = `http://127.0.0.1:${port}/`;
  browser = await openBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  hub.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

const stateOf = (p: import("playwright-core").Page, n: number) =>
  p.locator(`[data-partition="Hello-Kafka/${n}"]`).getAttribute("data-state");

describe("status page in a browser, without a cluster", () => {
  it("shows a change without a reload, and a page refused at the cap catches up once a place frees", async () => {
    const first = await browser.context.newPage();
    const errors: string[] = [];
    first.on("pageerror", (e) => errors.push(String(e)));
    await first.goto(url);
    await first.locator(".conn.live").waitFor({ timeout: 5_000 });
    expect(await first.locator(".bar .word").allTextContents()).toEqual(["kafka", "hello"]);
    // Nothing changes, yet "as of" moves on with the heartbeat.
    const asOf = await first.locator("#asof").textContent();
    await first.waitForFunction((t) => document.getElementById("asof")!.textContent !== t, asOf, { timeout: 5_000 });

    const second = await browser.context.newPage();
    await second.goto(url);
    await second.locator(".conn.lost").waitFor({ timeout: 5_000 }); // the one stream allowed is the first page's

    current = report({ healthy: false, partitions: [partition(0, "offline", { leader: null }), partition(1, "ok")] });
    await first.locator('[data-state="offline"]').waitFor({ timeout: 2_000 });
    expect(await first.locator(".pill.bad").count()).toBe(1);
    expect(await first.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(1);

    await first.close();
    await second.locator(".conn.live").waitFor({ timeout: 10_000 });
    expect(await stateOf(second, 0)).toBe("offline");
    current = report();
    await second.locator('[data-partition="Hello-Kafka/2"][data-state="ok"]').waitFor({ timeout: 2_000 });
    expect(await stateOf(second, 0)).toBe("ok");
    expect(errors).toEqual([]);
  }, 60_000);
});
