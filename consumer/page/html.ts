// The status page at /: one self-contained HTML document (stylesheet, script
// and the current snapshot inline, nothing fetched but /events), so it paints
// from the first response and needs no CDN or asset route.
import { CLIENT_FUNCTIONS, stateLabel } from "./client";
import type { PageSnapshot } from "./model";
import { PAGE_CSS } from "./style";
import { PARTITION_STATES } from "../health";

/** The states' colours, as the stylesheet names them (legend order: best first). */
const LEGEND_COLOURS: Record<string, string> = {
  ok: "--ok",
  non_preferred_leader: "--npl",
  under_replicated: "--ur",
  at_min_isr: "--amin",
  under_min_isr: "--umin",
  offline: "--off",
};

const nameOf = (fn: (...args: never[]) => unknown): string => /^function\s*([\w$]+)/.exec(String(fn))?.[1] ?? "";

/**
 * The script's text: each function's own source (as compiled; a bundler's
 * renames are applied to both the declarations and the calls, so they stay
 * consistent), then a call of the last. `__name` is the helper esbuild's
 * keepNames (tsx) wraps nested functions in; in the page it does nothing.
 */
function clientScript(): string {
  const start = CLIENT_FUNCTIONS[CLIENT_FUNCTIONS.length - 1]!;
  const body = CLIENT_FUNCTIONS.map(String).join("\n");
  return `"use strict";\nvar __name = function (f) { return f; };\n${body}\n${nameOf(start)}();\n`;
}

function legend(): string {
  const states = [...PARTITION_STATES].reverse();
  const colours = states.map((s) => `<span style="--c: var(${LEGEND_COLOURS[s]})">${stateLabel(s)}</span>`);
  const chips = '<span class="key">replicas: <b>dark</b> leader, dashed not in ISR, struck through broker down</span>';
  return colours.join("") + chips;
}

/** JSON that is safe inside a <script> element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, "\\u003c");

let script: string | undefined;

export function renderPage(snapshot: PageSnapshot): string {
  script ??= clientScript();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kafka cluster</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header><h1>Kafka cluster</h1><span id="status"></span><span class="spacer"></span>
<span id="conn" class="conn">connecting…</span><span id="asof" class="asof"></span></header>
<main>
<div id="reasons"></div>
<section><h2>Brokers</h2><div id="brokers"></div></section>
<section><h2>Partitions</h2><div id="topics"></div><div class="legend">${legend()}</div></section>
<section><h2>Top words</h2><div id="words"></div></section>
</main>
<script type="application/json" id="initial">${scriptJson(snapshot)}</script>
<script>${script}</script>
</body>
</html>
`;
}
