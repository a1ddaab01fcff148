// The GitHub Actions workflows, checked by actionlint (with shellcheck for
// their `run:` scripts), since no GitHub runner is here; and the script that
// chooses the stacks a pull request previews.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheDir } from "../../../lib/toolchain";
import toolchain from "../../../toolchain.json";

const repoRoot = path.join(__dirname, "..", "..", "..");
const actionlint = path.join(cacheDir(), `actionlint-v${toolchain.actionlint.version}`, "actionlint");

async function run(
  command: string,
  args: string[],
  opts: { cwd: string; input?: string },
): Promise<{ code: number; stdout: string }> {
  const child = promisify(execFile)(command, args, { cwd: opts.cwd });
  if (opts.input !== undefined) child.child.stdin?.end(opts.input);
  try {
    return { code: 0, stdout: (await child).stdout };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout ?? "" };
  }
}

describe("workflows", () => {
  let scratch: string;
  beforeAll(() => {
    if (!fs.existsSync(actionlint)) throw new Error(`actionlint not found at ${actionlint}: run 'npm run setup'`);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-actionlint-"));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("has a test workflow and a preview workflow", () => {
    expect(fs.readdirSync(path.join(repoRoot, ".github", "workflows")).sort()).toEqual(["preview.yml", "test.yml"]);
  });

  it("pass actionlint without findings", async () => {
    const r = await run(actionlint, ["-no-color"], { cwd: repoRoot });
    expect(r.stdout).toBe("");
    expect(r.code).toBe(0);
  });

  it("are checked with shellcheck too, which would report a bad run: script", async () => {
    const dir = path.join(scratch, ".github", "workflows");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "bad.yml"),
      [
        "on: push",
        "jobs:",
        "  x:",
        "    runs-on: ubuntu-24.04",
        "    steps:",
        "      - run: echo $UNQUOTED ${{ github.nope }}",
        "",
      ].join("\n"),
    );
    const r = await run(actionlint, ["-no-color", path.join(dir, "bad.yml")], { cwd: scratch });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/property "nope" is not defined/);
    expect(r.stdout).toMatch(/shellcheck reported issue.*SC2086/);
  });
});

describe("scripts/changed-stacks.sh", () => {
  const stacks = fs
    .readdirSync(repoRoot)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
  const changed = async (...files: string[]): Promise<string[]> => {
    const r = await run("bash", ["scripts/changed-stacks.sh"], {
      cwd: repoRoot,
      input: files.map((f) => `${f}\n`).join(""),
    });
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as string[];
  };

  it("previews every stack when the program changes", async () => {
    expect(stacks.length).toBeGreaterThan(1);
    for (const f of ["index.ts", "topics/provider.ts", "policy/rules.ts", "package-lock.json", "Pulumi.yaml"]) {
      expect(await changed("README.md", f)).toEqual(stacks);
    }
  });

  it("previews only the stacks whose config changed, and none for other changes", async () => {
    expect(await changed("README.md", `Pulumi.${stacks[0]}.yaml`)).toEqual([stacks[0]]);
    expect(await changed("README.md", "docs/toolchain.md", ".github/workflows/test.yml")).toEqual([]);
    expect(await changed("Pulumi.removed-stack.yaml")).toEqual([]);
    expect(await changed()).toEqual([]);
  });
});
