// Runs the real Pulumi CLI for end-to-end tests, on a local backend in a
// temp dir, with the project's offline settings.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PulumiRunner {
  (args: readonly string[]): Promise<{ stdout: string; stderr: string }>;
  /** Like the runner, but resolves with the failure instead of throwing. */
  fails(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * The environment of a Pulumi run on the file backend in `stateDir`. Its
 * temp dir is a sibling of `stateDir`, inside the work dir a test removes:
 * the Node.js language host leaves a pulumi-node-pipes* dir behind in the
 * temp dir when a program run fails (pulumi/pulumi#12263).
 */
export function pulumiEnv(stateDir: string, extraEnv: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const tmp = path.join(path.dirname(stateDir), "tmp");
  fs.mkdirSync(tmp, { recursive: true });
  return {
    ...process.env,
    TMPDIR: tmp,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "test",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...extraEnv,
  };
}

export function pulumiRunner(cwd: string, stateDir: string, extraEnv: NodeJS.ProcessEnv = {}): PulumiRunner {
  const env = pulumiEnv(stateDir, extraEnv);
  const exec = (args: readonly string[]) =>
    run("pulumi", [...args, "--non-interactive"], { cwd, env, maxBuffer: 64 << 20 });
  const runner = (async (args: readonly string[]) => {
    try {
      return await exec(args);
    } catch (err) {
      const e = err as Error & { code?: string; stdout?: string; stderr?: string };
      if (e.code === "ENOENT")
        throw new Error("pulumi is not on PATH: run the tests with 'npm test', which sets it up", { cause: err });
      throw new Error(`pulumi ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`, {
        cause: err,
      });
    }
  }) as PulumiRunner;
  runner.fails = async (args) => {
    try {
      const r = await exec(args);
      throw new Error(`pulumi ${args.join(" ")} was expected to fail but succeeded:\n${r.stdout}`);
    } catch (err) {
      const e = err as { code?: number | string; stdout?: string; stderr?: string };
      if (typeof e.code !== "number") throw err;
      return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };
  return runner;
}

/** What a staged copy of the project links to: the program and its dependencies. */
const PROJECT_ENTRIES = [
  "Pulumi.yaml",
  "index.ts",
  "stack",
  "lib",
  "infra",
  "topics",
  "consumer",
  "monitoring",
  "toolchain.json",
  "package.json",
  "tsconfig.json",
  "node_modules",
];

/**
 * Makes `<dir>/project`: symlinks to the repo's program, so Pulumi writes
 * stack files (Pulumi.<stack>.yaml, with its encryption salt) there and not
 * into the repo. Returns the project directory.
 */
export function stageProject(repoRoot: string, dir: string): string {
  const project = path.join(dir, "project");
  fs.mkdirSync(project, { recursive: true });
  for (const entry of PROJECT_ENTRIES) {
    const target = path.join(repoRoot, entry);
    if (fs.existsSync(target)) fs.symlinkSync(target, path.join(project, entry));
  }
  return project;
}
