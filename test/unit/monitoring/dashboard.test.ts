// The Grafana dashboard under monitoring/: a well-formed dashboard whose every
// query parses (promtool, as recording rules) and names only metrics the
// consumer service exports.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXPORTER, OWN } from "../../../consumer/metrics";

const FILE = path.resolve(__dirname, "../../../monitoring/grafana-dashboard.json");
const PROMTOOL = process.env.KAFKA_CLUSTER_PROMTOOL ?? "/usr/bin/promtool";

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; expr: string }>;
}
const dashboard = JSON.parse(fs.readFileSync(FILE, "utf8"));
const panels = dashboard.panels as Panel[];
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

describe("Grafana dashboard", () => {
  it("is a dashboard: title, uid, a Prometheus data source variable, panels with unique ids inside the 24-column grid", () => {
    expect(dashboard).toMatchObject({
      title: "Kafka cluster",
      uid: "kafka-cluster",
      schemaVersion: expect.any(Number),
    });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type === "row") continue;
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
    expect(panels.filter((p) => p.type === "row").map((p) => p.title)).toEqual([
      "Cluster",
      "Partitions",
      "Consumer lag",
      "Word counts",
    ]);
  });

  it("queries only metrics the service exports", () => {
    const exported = new Set([...Object.values(EXPORTER), ...Object.values(OWN)].map((m) => m.name));
    const named = new Set(queries.flatMap((q) => q.expr.match(/\b(kafka|wordcount)_[a-z_]+/g) ?? []));
    expect([...named].filter((n) => !exported.has(n))).toEqual([]);
    expect(named.size).toBeGreaterThan(15);
  });

  it("every query is valid PromQL (promtool checks them as recording rules)", () => {
    if (!fs.existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} not found: install Debian's prometheus (npm run setup)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kc-dashboard-"));
    try {
      const rules = queries.map(
        (q, i) => `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(q.expr)}`,
      );
      const file = path.join(dir, "queries.yml");
      fs.writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
      const out = execFileSync(PROMTOOL, ["check", "rules", file], { encoding: "utf8" });
      expect(out).toContain(`SUCCESS: ${queries.length} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
