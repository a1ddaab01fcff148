// Pure: the summary of a `pulumi preview --json` output: every change
// classified destructive (data loss), disruptive (a restart) or safe,
// destructive first (ci/changes.ts), and the hosts, ZooKeeper ensemble,
// brokers and topics after the change (ci/topology.ts); ci/markdown.ts renders it.
import { classify } from "./changes";
import { IMPACTS, type Change, type PreviewJson, type PreviewSummary } from "./preview-json";
import { topology } from "./topology";

export { renderMarkdown } from "./markdown";
export { IMPACTS } from "./preview-json";
export type { Change, Impact, PreviewJson, PreviewStep, PreviewSummary, TopicRow, Topology } from "./preview-json";

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);
const IGNORED_OPS = new Set(["same", "read", "refresh", "remove-pending-replace"]);

const clean = (message: string): string => message.replace(/^error: /, "").trim();

export function summarize(preview: PreviewJson): PreviewSummary {
  const steps = preview.steps ?? [];
  const seen = new Set<string>();
  const changes: Change[] = [];
  for (const step of steps) {
    if (IGNORED_OPS.has(step.op)) continue;
    const op = REPLACE_OPS.has(step.op) ? "replace" : step.op;
    const key = `${op} ${step.urn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const change = classify(step, op);
    if (change) changes.push(change);
  }
  const diagnostics = preview.diagnostics ?? [];
  const errors = [...new Set(diagnostics.filter((d) => d.severity === "error").map((d) => clean(d.message)))];
  // "preview failed" only repeats the others; keep it when it is all there is (e.g. a policy violation).
  const specific = errors.filter((e) => e !== "preview failed");
  return {
    ok: errors.length === 0,
    errors: specific.length ? specific : errors,
    warnings: [
      ...new Set(
        diagnostics.filter((d) => d.severity === "warning").map((d) => clean(d.message).replace(/^warning: /, "")),
      ),
    ],
    // Steps run in parallel, so their order varies: sort within each impact.
    changes: IMPACTS.flatMap((impact) =>
      changes
        .filter((c) => c.impact === impact)
        .sort((a, b) => a.resource.localeCompare(b.resource, "en", { numeric: true })),
    ),
    topology: topology(steps),
  };
}
