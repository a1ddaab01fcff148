// `npm run preview -- --stack <name>`: Pulumi's own diff (with the policy
// pack), then the topology summary of the same change in Markdown
// (ci/summary.ts). Exits non-zero when the preview fails: a refused change,
// a policy violation, bad config.
//
// Options: --stack <name> (required), --cwd <project dir> (default: here),
// --summary-file <path> (also write the summary there), --skip-policy;
// arguments after `--` go to both `pulumi preview` runs (e.g. --config-file).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { renderMarkdown, summarize, type PreviewJson } from "./summary";

/** The policy pack's analyzer (see scripts/pulumi-analyzer-policy). */
export const POLICY_PACK = path.join(__dirname, "..", "policy", "analyzer");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs pulumi; `echo` streams its output here as well as capturing it. */
function pulumi(args: string[], cwd: string, echo: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    child.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "ENOENT"
          ? new Error("pulumi is not on PATH: run this with 'npm run preview', which sets it up")
          : err,
      ),
    );
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      cwd: { type: "string" },
      "summary-file": { type: "string" },
      "skip-policy": { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  if (!values.stack) {
    console.error(
      "usage: npm run preview -- --stack <name> [--cwd <dir>] [--summary-file <path>] [--skip-policy] [-- <pulumi preview args>]",
    );
    return 2;
  }
  const cwd = path.resolve(values.cwd ?? ".");
  const common = [
    "--stack",
    values.stack,
    "--non-interactive",
    ...(values["skip-policy"] ? [] : ["--policy-pack", POLICY_PACK]),
    ...positionals,
  ];

  const diff = await pulumi(["preview", "--diff", ...common], cwd, true);
  // The same preview as JSON, every resource included, for the summary.
  const json = await pulumi(["preview", "--json", "--show-sames", ...common], cwd, false);
  let preview: PreviewJson;
  try {
    preview = JSON.parse(json.stdout) as PreviewJson;
  } catch {
    console.error(`pulumi preview --json gave no JSON (exit ${json.code}):\n${json.stderr.trim()}`);
    return json.code || 1;
  }
  const markdown = renderMarkdown(summarize(preview), { stack: values.stack });
  process.stdout.write(`\n${markdown}`);
  if (values["summary-file"]) fs.writeFileSync(values["summary-file"], markdown);
  return diff.code !== 0 ? diff.code : json.code;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
