// The status page's stylesheet, inlined into the page: system fonts, one
// column on a phone, partition tiles coloured by state (most severe darkest).
export const PAGE_CSS = `
:root {
  --bg: #f4f5f7; --card: #fff; --ink: #1d2433; --muted: #5d6778; --line: #dde1e7;
  --ok: #2e9d5b; --ok-bg: #e5f5ec; --npl: #2f6fb3; --npl-bg: #e4eefa;
  --ur: #b7791f; --ur-bg: #fdf3dc; --amin: #d9641e; --amin-bg: #fde8da;
  --umin: #c53030; --umin-bg: #fde2e2; --off: #5b1a1a; --off-bg: #e9d5d5;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; padding: 14px 20px;
  background: #1d2433; color: #fff; }
header h1 { font-size: 18px; margin: 0; font-weight: 600; }
header .spacer { flex: 1; }
header .asof { color: #aab3c2; font-size: 13px; font-variant-numeric: tabular-nums; }
.pill { display: inline-block; padding: 2px 12px; border-radius: 999px; font-weight: 600; font-size: 14px; }
.pill.ok { background: var(--ok); } .pill.bad { background: var(--umin); } .pill.stale { background: #7a8190; }
.conn { font-size: 13px; } .conn::before { content: "●"; margin-right: 5px; }
.conn.live::before { color: #4ade80; } .conn.lost { color: #fbbf24; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 20px 32px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 14px 16px; margin-bottom: 16px; }
h2 { font-size: 15px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
h3 { font-size: 16px; margin: 6px 0 10px; } h3 small { font-weight: 400; color: var(--muted); font-size: 13px; }
.summary { margin: 0 0 10px; color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); margin: 4px 0; }
.reasons { margin: 0 0 16px; padding: 10px 14px 10px 30px; background: var(--umin-bg); border: 1px solid #f5b5b5;
  border-radius: 10px; color: #7b1d1d; font-size: 13px; overflow-wrap: anywhere; }
.brokers { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 10px; }
.broker { border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 8px; padding: 8px 12px; }
.broker.down { border-left-color: var(--umin); background: var(--umin-bg); }
.broker-head { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 8px; }
.broker-head b { white-space: nowrap; }
.dot { flex: none; width: 10px; height: 10px; border-radius: 50%; background: var(--ok); }
.down .dot { background: var(--umin); }
.badge { margin-left: 8px; font-weight: 400; font-size: 11px; padding: 1px 7px; border-radius: 999px; background: #1d2433; color: #fff; }
.host { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); overflow-wrap: anywhere; }
.broker-state { font-size: 13px; font-weight: 600; color: var(--ok); } .down .broker-state { color: var(--umin); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 10px; margin-bottom: 8px; }
.tile { border-radius: 8px; padding: 8px 10px; border: 1px solid var(--line); border-top: 5px solid var(--ok);
  background: var(--ok-bg); }
.tile-head { display: flex; justify-content: space-between; align-items: baseline; gap: 6px; }
.tile-head b { font-size: 18px; } .tile-head b::before { content: "P"; color: var(--muted); font-weight: 400; }
.state { font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; color: var(--ok); }
.s-non_preferred_leader { background: var(--npl-bg); border-top-color: var(--npl); } .s-non_preferred_leader .state { color: var(--npl); }
.s-under_replicated { background: var(--ur-bg); border-top-color: var(--ur); } .s-under_replicated .state { color: var(--ur); }
.s-at_min_isr { background: var(--amin-bg); border-top-color: var(--amin); } .s-at_min_isr .state { color: var(--amin); }
.s-under_min_isr { background: var(--umin-bg); border-top-color: var(--umin); } .s-under_min_isr .state { color: var(--umin); }
.s-offline { background: var(--off-bg); border-top-color: var(--off); } .s-offline .state { color: var(--off); }
.chips { display: flex; gap: 4px; margin: 6px 0 4px; }
.chip { min-width: 26px; text-align: center; padding: 1px 6px; border-radius: 6px; font-size: 13px; font-weight: 600;
  background: #fff; border: 1px solid #9aa3b2; }
.chip.leader { background: #1d2433; color: #fff; border-color: #1d2433; }
.chip.out { border-style: dashed; color: var(--umin); border-color: var(--umin); background: transparent; }
.chip.gone { text-decoration: line-through; }
.meta, .also { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; color: var(--muted); margin-top: 6px; }
.legend .key { color: var(--ink); }
.legend span[style]::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 3px;
  margin-right: 5px; vertical-align: -1px; background: var(--c); }
.bars { display: grid; gap: 5px; }
.bar { display: grid; grid-template-columns: minmax(60px, 160px) 1fr 64px; gap: 10px; align-items: center; font-size: 13px; }
.word { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
.track { height: 14px; background: #eef0f4; border-radius: 4px; overflow: hidden; }
.fill { display: block; height: 100%; background: linear-gradient(90deg, #3b6fd8, #5a8cf0); border-radius: 4px; }
.n { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
@media (max-width: 520px) {
  header { padding: 12px 14px; } main { padding: 12px 10px 24px; } section { padding: 12px; }
  .grid { grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); }
  .brokers { grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
  .bar { grid-template-columns: minmax(50px, 110px) 1fr 48px; }
}
`;
