// The alert rules under monitoring/ and the service's /metrics exposition,
// checked by Prometheus's own promtool (Debian's prometheus package).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../consumer/prometheus";
import { partition, report, window } from "../consumer/page-fixture";

const PROMTOOL = process.env.KAFKA_CLUSTER_PROMTOOL ?? "/usr/bin/promtool";
const MONITORING = path.resolve(__dirname, "../../../monitoring");

async function promtool(args: string[], stdin?: string): Promise<{ code: number; out: string }> {
  if (!fs.existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} not found: install Debian's prometheus (npm run setup)`);
  const run = promisify(execFile)(PROMTOOL, args, { cwd: MONITORING, timeout: 30_000 });
  if (stdin !== undefined) run.child.stdin!.end(stdin);
  try {
    const { stdout, stderr } = await run;
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe("monitoring with promtool", () => {
  it("the alert rules are valid", async () => {
    const r = await promtool(["check", "rules", "alerts.yml"]);
    expect(r.out).toContain("SUCCESS: 8 rules found");
    expect(r.code).toBe(0);
  });

  it("the alert rules' unit tests pass: each rule fires on its series and not on the others", async () => {
    const r = await promtool(["test", "rules", "alerts.test.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("/metrics passes `promtool check metrics`, with every metric the rules use", async () => {
    const metrics = createMetrics({
      groupId: "wc",
      report: () => report({ partitions: [partition(0, "ok"), partition(1, "under_replicated", { isr: [2, 3] })] }),
      offsets: () => ({ lag: { "Hello-Kafka/0": 3 }, committed: { "Hello-Kafka/0": 5 }, high: { "Hello-Kafka/0": 8 } }),
    });
    metrics.windowClosed(window(0, { kafka: 2 }));
    const text = await metrics.render();
    const r = await promtool(["check", "metrics"], text);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
    const rules = fs
      .readFileSync(path.join(MONITORING, "alerts.yml"), "utf8")
      .split("\n")
      .filter((line) => !line.trim().startsWith("#"))
      .join("\n");
    const used = new Set(rules.match(/\b(kafka|wordcount)_[a-z_]+/g));
    for (const name of used) expect(text).toMatch(new RegExp(`^${name}[{ ]`, "m"));
  });
});
