// The preview summary in Markdown, for a pull-request comment or a CI job summary.
import { formatConfig, IMPACTS, type Change, type Impact, type PreviewSummary } from "./preview-json";

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (head: string[], rows: string[][]): string[] => [
  `| ${head.join(" | ")} |`,
  `|${head.map(() => "---").join("|")}|`,
  ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
];

const IMPACT_LABEL: Record<Impact, string> = {
  destructive: "**destructive** (data loss)",
  disruptive: "**disruptive** (restart)",
  rolling: "**rolling** (restarts one at a time, no outage)",
  safe: "safe",
};

export function renderMarkdown(summary: PreviewSummary, opts: { stack: string }): string {
  const count = (i: Impact): number => summary.changes.filter((c) => c.impact === i).length;
  const headline = summary.changes.length
    ? IMPACTS.filter((i) => count(i) > 0)
        .map((i) => `${count(i)} ${i}`)
        .join(", ")
    : "no changes";
  const out: string[] = [`## Preview of stack \`${opts.stack}\`: ${summary.ok ? headline : "failed"}`, ""];
  if (!summary.ok) {
    out.push(
      "### Preview failed",
      "",
      "Nothing was changed. Pulumi's own output (before this summary, or its pull-request comment) has the details: policy violations, refused changes.",
      "",
    );
    for (const e of summary.errors) out.push(`- ${e.split("\n").join("\n  ")}`);
    out.push("");
  }
  if (summary.warnings.length) {
    out.push("### Warnings", "", ...summary.warnings.map((w) => `- ${w}`), "");
  }
  out.push("### Changes, destructive first", "");
  if (summary.changes.length === 0) out.push(summary.ok ? "No changes." : "None planned before the failure.");
  else
    out.push(
      ...table(
        ["impact", "resource", "change"],
        summary.changes.map((c) => [IMPACT_LABEL[c.impact], c.resource, c.what]),
      ),
    );
  out.push(...rollOrderLines(summary.changes));
  out.push(...topologyLines(summary.topology));
  return `${out.join("\n").trimEnd()}\n`;
}

/** The topology section: hosts, ensemble, brokers, topics. */
function topologyLines(t: PreviewSummary["topology"]): string[] {
  const out: string[] = [];
  out.push("", "### Topology after the change", "");
  if (t.hosts.length)
    out.push(
      ...table(
        ["host", "address", "runs"],
        t.hosts.map((h) => [h.name, h.address, h.runs.join(", ")]),
      ),
      "",
    );
  out.push(
    t.zookeeper.length
      ? `ZooKeeper ensemble (${t.zookeeper.length} node${t.zookeeper.length === 1 ? "" : "s"}): ${t.zookeeper.map((z) => `${z.id}: ${z.host} ${z.address}:${z.clientPort}`).join(", ")}`
      : "ZooKeeper ensemble: none in this preview",
    "",
    t.brokers.length
      ? `Brokers (${t.brokers.length}): ${t.brokers.map((b) => `${b.id}: ${b.host} ${b.address}:${b.port}`).join(", ")}`
      : "Brokers: none in this preview",
    "",
  );
  if (t.topics.length) {
    out.push(
      ...table(
        ["topic", "partitions", "replication factor", "config"],
        t.topics.map((x) => [
          x.name,
          String(x.partitions),
          String(x.replicationFactor),
          formatConfig(x.config) || "(cluster defaults)",
        ]),
      ),
    );
  } else out.push("Topics: none");
  return out;
}

/** The order of a rolling restart: ensemble nodes first (brokers depend on them), then brokers, each by id. */
export function rollOrder(changes: readonly Change[]): string | undefined {
  const ids = (kind: string): number[] =>
    changes
      .filter((c) => c.impact === "rolling")
      .map((c) => new RegExp(`^${kind} (\\d+)`).exec(c.resource)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  const zk = ids("ZooKeeper");
  const brokers = ids("broker");
  const turns = [
    ...(zk.length ? [`ZooKeeper ${zk.join(", ")} (the leader moves to the end)`] : []),
    ...(brokers.length ? [`brokers ${brokers.join(", ")} (the controller moves to the end)`] : []),
  ];
  return turns.length ? turns.join(", then ") : undefined;
}

function rollOrderLines(changes: readonly Change[]): string[] {
  const order = rollOrder(changes);
  return order ? ["", `Restart order, one at a time: ${order}, as they are when \`up\` runs.`] : [];
}
