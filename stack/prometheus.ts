// Prometheus beside the consumer service (stack config `monitoring`): the
// installed server placed through the stack's target with a rendered
// prometheus.yml and the shipped alert rules (monitoring/alerts.yml) in its
// work directory, its samples under it. `pulumi destroy` stops it and removes
// the directory.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../infra/plan";
import { createTarget, type ProgramSpec } from "../infra/targets/target";
import { DEFAULT_PROMETHEUS, renderPrometheusConfig, type PrometheusPlan } from "./monitoring-plan";

/** The alert rules the repository ships, copied into the work directory. */
export const RULES_SOURCE = path.resolve(__dirname, "../monitoring/alerts.yml");

/** The server to run: KAFKA_CLUSTER_PROMETHEUS (as the tests' support/prometheus.ts reads it), else Debian's. */
export function prometheusBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_CLUSTER_PROMETHEUS ?? DEFAULT_PROMETHEUS;
}

/** Refused at preview when the server is missing: the message names the apt package. */
export function missingPrometheus(binary: string): string | undefined {
  if (fs.existsSync(binary)) return undefined;
  return `kafka-cluster:monitoring.prometheus: true needs Prometheus at ${binary}, which is missing: install Debian's package (sudo apt-get install prometheus) or set KAFKA_CLUSTER_PROMETHEUS`;
}

/** Prometheus as a process to place; its config file is its last argument (which identifies it). */
export function prometheusProcess(p: PrometheusPlan, command: string, rules: string): ProgramSpec {
  return {
    role: "program",
    program: "prometheus",
    host: p.host,
    port: p.port,
    command,
    args: (workDir) => [
      `--storage.tsdb.path=${path.posix.join(workDir, "data")}`,
      ...(p.retention ? [`--storage.tsdb.retention.time=${p.retention}`] : []),
      `--web.listen-address=${p.host.address}:${p.port}`,
      "--config.file",
      path.posix.join(workDir, "prometheus.yml"),
    ],
    files: (workDir) => ({
      "alerts.yml": rules,
      "prometheus.yml": renderPrometheusConfig(p, path.posix.join(workDir, "alerts.yml")),
    }),
  };
}

export interface PrometheusArgs {
  readonly plan: ClusterPlan;
  readonly prometheus: PrometheusPlan;
  readonly stackId: pulumi.Input<string> | undefined;
  /** What must exist first: the consumer service. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class Prometheus extends pulumi.ComponentResource {
  /** http://<host>:<port>, known once Prometheus holds its port. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kafka-cluster:monitoring:Prometheus", name, {}, opts);
    const { plan, prometheus } = args;
    const target = createTarget(plan, { name, parent: this, stackId: args.stackId });
    const spec = prometheusProcess(prometheus, prometheusBinary(), fs.readFileSync(RULES_SOURCE, "utf8"));
    const placed = target.place(spec, { dependsOn: args.dependsOn ?? [] });
    this.url = placed.id.apply(() => prometheus.url);
    this.registerOutputs({ url: this.url });
  }
}
