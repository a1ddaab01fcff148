// Stack config `monitoring`: its validation at preview, and the prometheus.yml
// it renders, checked by Debian's promtool.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../../lib/problems";
import { validateStack } from "../../../stack/config";
import { renderPrometheusConfig } from "../../../stack/monitoring-plan";
import { missingPrometheus, prometheusProcess, RULES_SOURCE } from "../../../stack/prometheus";

const ctx = { namespace: "kafka-cluster", defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/data" };
const PROMTOOL = "/usr/bin/promtool";

function problemsOf(raw: Record<string, unknown>): string[] {
  const r = validateStack(raw, ctx);
  if (r.ok) throw new Error("expected problems");
  return r.problems.map(formatProblem);
}

function prometheusOf(raw: Record<string, unknown>) {
  const r = validateStack(raw, ctx);
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join("\n"));
  return r.prometheus;
}

const dockerHosts = ["a", "b", "c"].map((name, i) => ({ name, address: `127.0.60.${i + 1}` }));
const sshHosts = ["a", "b", "c"].map((name, i) => ({
  name,
  address: `10.9.0.${i + 1}`,
  user: "kafka",
  privateKey: "KEY",
}));

describe("stack config monitoring", () => {
  it("runs no Prometheus unless asked", () => {
    expect(prometheusOf({})).toBeUndefined();
    expect(prometheusOf({ monitoring: { prometheus: false, port: 9999 } })).toBeUndefined();
  });

  it("places Prometheus on the first host, port 9090 by default, scraping the consumer service", () => {
    expect(prometheusOf({ monitoring: { prometheus: true } })).toMatchObject({
      host: { name: "hadoop-nn", address: "127.0.10.1" },
      port: 9090,
      retention: undefined,
      scrapeTarget: "127.0.10.1:8080",
      url: "http://127.0.10.1:9090",
    });
    expect(prometheusOf({ monitoring: { prometheus: true, port: 9191, retention: "2d" } })).toMatchObject({
      port: 9191,
      retention: "2d",
    });
  });

  it("reports every bad value with its path, alongside the other keys' problems", () => {
    expect(
      problemsOf({
        consumer: { port: 0 },
        monitoring: { prometheus: "yes", port: 70000, retention: "a week", grafana: true },
      }),
    ).toEqual([
      "kafka-cluster:consumer.port: Too small: expected number to be >=1, got 0",
      'kafka-cluster:monitoring.prometheus: Invalid input: expected boolean, received string, got "yes"',
      "kafka-cluster:monitoring.port: Too big: expected number to be <=65535, got 70000",
      'kafka-cluster:monitoring.retention: must be a Prometheus duration, e.g. 15d or 12h, got "a week"',
      "kafka-cluster:monitoring.grafana: unknown key, got true",
    ]);
  });

  it("refuses a port the first host already uses", () => {
    expect(problemsOf({ monitoring: { prometheus: true, port: 8080 } })).toEqual([
      "kafka-cluster:monitoring.port: hadoop-nn already uses it for the consumer service, got 8080",
    ]);
    expect(problemsOf({ monitoring: { prometheus: true, port: 9092 } })).toEqual([
      "kafka-cluster:monitoring.port: hadoop-nn already uses it for broker 1, got 9092",
    ]);
  });

  it("refuses Prometheus without the consumer service, and on the ssh and docker targets", () => {
    expect(problemsOf({ consumer: { enabled: false }, monitoring: { prometheus: true } })).toEqual([
      "kafka-cluster:monitoring.prometheus: needs the consumer service (kafka-cluster:consumer), whose /metrics it scrapes, got true",
    ]);
    for (const [target, hosts] of [
      ["docker", dockerHosts],
      ["ssh", sshHosts],
    ] as const) {
      const problems = problemsOf({
        target,
        hosts,
        ...(target === "ssh" ? { insecureIgnoreHostKey: true } : {}),
        consumer: { enabled: true },
        monitoring: { prometheus: true },
      });
      expect(problems).toEqual([
        `kafka-cluster:monitoring.prometheus: Prometheus runs on the local target only for now (this stack's target is ${target}); run your own and scrape the consumer service's /metrics, got true`,
      ]);
    }
  });

  it("names the apt package when the server is not installed", () => {
    expect(missingPrometheus("/nonexistent/prometheus")).toMatch(/apt-get install prometheus/);
    expect(missingPrometheus(process.execPath)).toBeUndefined();
  });
});

describe("the rendered Prometheus", () => {
  const plan = prometheusOf({ monitoring: { prometheus: true, retention: "12h" } })!;

  it("runs with its config file last (which identifies the process), data and rules in its work directory", () => {
    const spec = prometheusProcess(plan, "/usr/bin/prometheus", "groups: []\n");
    expect(spec.args("/w")).toEqual([
      "--storage.tsdb.path=/w/data",
      "--storage.tsdb.retention.time=12h",
      "--web.listen-address=127.0.10.1:9090",
      "--config.file",
      "/w/prometheus.yml",
    ]);
    expect(Object.keys(spec.files("/w"))).toEqual(["alerts.yml", "prometheus.yml"]);
    expect(spec.files("/w")["prometheus.yml"]).toContain('"/w/alerts.yml"');
  });

  it.skipIf(!fs.existsSync(PROMTOOL))("is a config promtool accepts, loading the shipped rules", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kc-prom-config-"));
    try {
      const files = prometheusProcess(plan, "/usr/bin/prometheus", fs.readFileSync(RULES_SOURCE, "utf8")).files(dir);
      for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content as string);
      const out = execFileSync(PROMTOOL, ["check", "config", path.join(dir, "prometheus.yml")], { encoding: "utf8" });
      expect(out).toMatch(/SUCCESS: \d+ rules found/);
      expect(renderPrometheusConfig(plan, "/r.yml")).toContain('targets: ["127.0.10.1:8080"]');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
