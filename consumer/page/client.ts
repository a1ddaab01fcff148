/// <reference lib="dom" />
// The status page's script, run in the browser: html.ts inlines these
// functions' source text, so each must use only its arguments, browser
// globals and the other functions listed in CLIENT_FUNCTIONS (no imports, no
// module-level values). It renders a snapshot (model.ts) and follows /events.
import type { PageBroker, PagePartition, PageSnapshot, PageTopic } from "./model";

export function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function stateLabel(state: string): string {
  return state.replace(/_/g, " ").replace("min isr", "min ISR");
}

export function brokerCard(b: PageBroker): string {
  const badge = b.controller ? '<span class="badge">controller</span>' : "";
  // Registered but not answering the direct probe: red before ZooKeeper notices.
  const lost = b.reachable === false;
  const reach = b.reachable === undefined ? "" : ` data-reachable="${b.reachable}"`;
  const title = lost ? ` title="unreachable: ${esc(b.unreachableReason ?? "no answer")}"` : "";
  return (
    `<div class="broker ${b.up && !lost ? "up" : "down"}" data-broker="${b.id}" data-up="${b.up}"${reach}${title}>` +
    `<div class="broker-head"><span class="dot"></span><b>Broker ${b.id}</b></div>` +
    `<div class="host">${esc(b.host ?? "address unknown")}</div>` +
    `<div class="broker-state">${b.up ? "up" : "down"}${lost ? " · unreachable" : ""}${badge}</div></div>`
  );
}

export function brokersHtml(s: PageSnapshot): string {
  const up = s.brokers.filter((b) => b.up).length;
  const summary = `<p class="summary">${up} of ${s.expectedBrokers} expected up${s.controller === null ? " · <b>no controller</b>" : ""}</p>`;
  return summary + `<div class="brokers">${s.brokers.map(brokerCard).join("")}</div>`;
}

export function replicaChips(p: PagePartition, up: readonly number[]): string {
  return p.replicas
    .map((r) => {
      const cls = [r === p.leader ? "leader" : "", p.isr.includes(r) ? "in" : "out", up.includes(r) ? "" : "gone"];
      const what = r === p.leader ? "leader" : p.isr.includes(r) ? "in sync" : "not in sync";
      return `<span class="chip ${cls.join(" ").trim()}" title="broker ${r}: ${what}">${r}</span>`;
    })
    .join("");
}

export function partitionTile(topic: string, p: PagePartition, up: readonly number[]): string {
  const lag = p.lag === null ? "unknown" : p.lag.toLocaleString("en");
  const extra = p.conditions.filter((c) => c !== p.state).map(stateLabel);
  return (
    `<div class="tile s-${p.state}" data-partition="${esc(topic)}/${p.partition}" data-state="${p.state}"` +
    ` data-conditions="${p.conditions.join(" ")}" data-leader="${p.leader ?? ""}"` +
    ` title="${esc(p.conditions.map(stateLabel).join(", "))}">` +
    `<div class="tile-head"><b>${p.partition}</b><span class="state">${stateLabel(p.state)}</span></div>` +
    `<div class="chips">${replicaChips(p, up)}</div>` +
    `<div class="meta">leader ${p.leader ?? "none"} · ISR ${p.isr.length}/${p.replicas.length} · lag ${lag}</div>` +
    (extra.length ? `<div class="also">also ${esc(extra.join(", "))}</div>` : "") +
    `</div>`
  );
}

export function topicsHtml(s: PageSnapshot): string {
  const up = s.brokers.filter((b) => b.up).map((b) => b.id);
  return s.topics
    .map((t: PageTopic) => {
      const bad = t.partitions.filter((p) => p.state !== "ok").length;
      const head =
        `<h3>${esc(t.name)} <small>${t.partitions.length} partitions` +
        `${t.minIsr === null ? "" : ` · min ISR ${t.minIsr}`}${bad ? ` · <b>${bad} not ok</b>` : ""}</small></h3>`;
      const tiles = t.partitions.map((p) => partitionTile(t.name, p, up)).join("");
      const body = tiles || '<p class="empty">no partitions known</p>';
      return `<div class="topic" data-topic="${esc(t.name)}">${head}<div class="grid">${body}</div></div>`;
    })
    .join("");
}

export function wordsHtml(s: PageSnapshot): string {
  const w = s.words;
  if (w.top.length === 0) return '<p class="empty">no words counted yet</p>';
  const max = w.top[0]![1];
  const span = w.from === null || w.to === null ? "" : ` over ${Math.round((w.to - w.from) / 1000)} s`;
  const rows = w.top
    .map(
      ([word, n]) =>
        `<div class="bar"><span class="word" title="${esc(word)}">${esc(word)}</span>` +
        `<span class="track"><span class="fill" style="width:${Math.max(2, (100 * n) / max).toFixed(1)}%"></span></span>` +
        `<span class="n">${n.toLocaleString("en")}</span></div>`,
    )
    .join("");
  const windows = w.windows === 1 ? "latest window" : `latest ${w.windows} windows`;
  const caption = `<p class="summary">${windows}${span} · ${w.messages.toLocaleString("en")} messages · group ${esc(s.group)}</p>`;
  return caption + `<div class="bars">${rows}</div>`;
}

export function statusHtml(s: PageSnapshot): string {
  const [cls, text] = s.stale ? ["stale", "Stale"] : s.healthy ? ["ok", "Healthy"] : ["bad", "Unhealthy"];
  return `<span class="pill ${cls}" data-healthy="${s.healthy}">${text}</span>`;
}

export function reasonsHtml(s: PageSnapshot): string {
  if (s.reasons.length === 0) return "";
  return `<ul class="reasons">${s.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`;
}

export function setAsOf(checkedAt: number): void {
  const el = document.getElementById("asof");
  if (el) el.textContent = `as of ${new Date(checkedAt).toLocaleTimeString("en-GB")}`;
}

export function render(s: PageSnapshot): void {
  const set = (id: string, html: string): void => {
    const el = document.getElementById(id);
    if (el && el.innerHTML !== html) el.innerHTML = html;
  };
  set("status", statusHtml(s));
  set("reasons", reasonsHtml(s));
  set("brokers", brokersHtml(s));
  set("topics", topicsHtml(s));
  set("words", wordsHtml(s));
  setAsOf(s.checkedAt);
  document.title = `${s.healthy ? "ok" : "NOT OK"} · Kafka cluster`;
}

export function setLive(live: boolean): void {
  const el = document.getElementById("conn");
  if (!el) return;
  el.className = live ? "conn live" : "conn lost";
  el.textContent = live ? "live" : "reconnecting…";
}

export function follow(): void {
  const source = new EventSource("events");
  source.addEventListener("snapshot", (e) => {
    setLive(true);
    render(JSON.parse((e as MessageEvent<string>).data) as PageSnapshot);
  });
  source.addEventListener("tick", (e) => setAsOf(Number((e as MessageEvent<string>).data)));
  source.addEventListener("open", () => setLive(true));
  source.addEventListener("error", () => {
    setLive(false);
    // The browser retries a dropped stream itself, but not a refused one (503 at the cap): start again later.
    if (source.readyState === EventSource.CLOSED) setTimeout(follow, 5_000);
  });
}

export function startPage(): void {
  const initial = document.getElementById("initial");
  if (initial?.textContent) render(JSON.parse(initial.textContent) as PageSnapshot);
  follow();
}

/** In dependency order; the page calls the last one. */
export const CLIENT_FUNCTIONS: ReadonlyArray<(...args: never[]) => unknown> = [
  esc,
  stateLabel,
  brokerCard,
  brokersHtml,
  replicaChips,
  partitionTile,
  topicsHtml,
  wordsHtml,
  statusHtml,
  reasonsHtml,
  setAsOf,
  render,
  setLive,
  follow,
  startPage,
];
