// A local stack staged outside the repo for preview tests and for recording
// preview fixtures (ci/record-previews.ts): its own addresses, data dir and
// file backend in a temp dir; config variants go through `--config-file`.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { pulumiEnv, pulumiRunner, stageProject, type PulumiRunner } from "./pulumi";

export const REPO_ROOT = path.join(__dirname, "..");
export const HOSTS = ["hadoop-nn", "hadoop-dn1", "hadoop-dn2"] as const;

export interface StackTopic {
  readonly name: string;
  readonly partitions: number;
  readonly id?: string;
  readonly replicationFactor?: number;
  readonly config?: Record<string, string>;
  readonly policyExemption?: { reason: string };
  readonly allowDataLoss?: boolean;
}

export interface StackVariant {
  readonly topics: readonly StackTopic[];
  /** `kafka-cluster:kafka`, e.g. `{ heap: "512m", brokerConfig: {...} }`. */
  readonly kafka?: object;
  readonly zookeeper?: object;
  /** Another data dir (below the work dir) than the stack's. */
  readonly dataDirName?: string;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PreviewStack {
  readonly work: string;
  readonly project: string;
  readonly dataDir: string;
  readonly addresses: readonly string[];
  readonly bootstrap: string;
  readonly pulumi: PulumiRunner;
  /** Runs a command in the project dir with the runner's Pulumi settings; resolves with any exit code. */
  run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  /** Writes `Pulumi.<name>.yaml` in the work dir (not the stack's own file) and returns its path. */
  configFile(name: string, variant: StackVariant): string;
  /** `pulumi up` of the stack's own config, once: topics are created right after the cluster is ready. */
  upReady(): Promise<void>;
  /** Processes whose command line mentions the stack's work dir. */
  processes(): Promise<string[]>;
  /** Destroys the stack if anything of it runs, and removes the work dir. */
  dispose(): Promise<void>;
}

const HEAP = "512m";

/** Stack config YAML for a variant; values as JSON flow mappings, which YAML reads as they are. */
function stackYaml(addresses: readonly string[], dataDir: string, v: StackVariant): string {
  return [
    "config:",
    "  kafka-cluster:target: local",
    "  kafka-cluster:hosts:",
    ...HOSTS.map((n, i) => `    - { name: ${n}, address: "${addresses[i]}" }`),
    `  kafka-cluster:dataDir: ${JSON.stringify(dataDir)}`,
    `  kafka-cluster:kafka: ${JSON.stringify({ heap: HEAP, ...v.kafka })}`,
    ...(v.zookeeper ? [`  kafka-cluster:zookeeper: ${JSON.stringify(v.zookeeper)}`] : []),
    "  kafka-cluster:topics:",
    ...v.topics.map((t) => `    - ${JSON.stringify(t)}`),
    "",
  ].join("\n");
}

/** Stages the project in a new temp dir and inits stack `stack` with `initial` as its config. */
export async function stagePreviewStack(opts: {
  prefix: string;
  stack: string;
  initial: StackVariant;
  tmpPrefix: string;
}): Promise<PreviewStack> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), opts.tmpPrefix));
  const dataDir = path.join(work, "data");
  const addresses = [1, 2, 3].map((i) => `${opts.prefix}.${i}`);
  const project = stageProject(REPO_ROOT, work);
  fs.mkdirSync(path.join(work, "state"));
  const stateDir = path.join(work, "state");
  const pulumi = pulumiRunner(project, stateDir);
  fs.writeFileSync(path.join(project, `Pulumi.${opts.stack}.yaml`), stackYaml(addresses, dataDir, opts.initial));
  await pulumi(["stack", "init", opts.stack]);
  const processes = async (): Promise<string[]> => {
    const { stdout } = await promisify(execFile)("ps", ["-eo", "pid,args"]);
    return stdout.split("\n").filter((l) => l.includes(work) && !l.includes(" ps "));
  };
  return {
    work,
    project,
    dataDir,
    addresses,
    bootstrap: addresses.map((a) => `${a}:9092`).join(","),
    pulumi,
    async run(command, args, env = {}) {
      const fullEnv = pulumiEnv(stateDir, env);
      try {
        const r = await promisify(execFile)(command, [...args], { cwd: project, env: fullEnv, maxBuffer: 64 << 20 });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (err) {
        const e = err as { code?: number | string; stdout?: string; stderr?: string };
        if (typeof e.code !== "number") throw err;
        return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
      }
    },
    configFile(name, variant) {
      const file = path.join(work, `Pulumi.${name}.yaml`);
      const dir = variant.dataDirName ? path.join(work, variant.dataDirName) : dataDir;
      fs.writeFileSync(file, stackYaml(addresses, dir, variant));
      return file;
    },
    async upReady() {
      await pulumi(["up", "--yes", "--skip-preview"]);
    },
    processes,
    async dispose() {
      if ((await processes()).length > 0) await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
      // If destroy could not run the program, stop what is left by its pid: all of it runs from the work dir.
      for (const line of await processes()) {
        try {
          process.kill(Number(line.trim().split(/\s+/)[0]), "SIGKILL");
        } catch {
          // already gone
        }
      }
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
