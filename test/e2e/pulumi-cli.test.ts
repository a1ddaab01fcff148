// The pinned Pulumi CLI and its Node.js language host run a TypeScript stack
// offline, on the local file backend.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PULUMI_VERSION } from "../../lib/toolchain";
import { pulumiRunner, type PulumiRunner } from "../../support/pulumi";

const repoRoot = path.join(__dirname, "..", "..");
let workDir: string;
let projectDir: string;
let pulumi: PulumiRunner;

beforeAll(() => {
  // A copy of the fixture, so stack files and state stay out of the repo.
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-pulumi-"));
  projectDir = path.join(workDir, "project");
  fs.cpSync(path.join(repoRoot, "test", "fixtures", "trivial"), projectDir, { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(projectDir, "node_modules"));
  fs.mkdirSync(path.join(workDir, "state"));
  pulumi = pulumiRunner(projectDir, path.join(workDir, "state"));
});

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe("Pulumi CLI", () => {
  // Set-up builds the pinned release, or uses a pulumi on PATH of the same major version and at least its minor.
  it(`is v${PULUMI_VERSION} or a later release of the same major version`, async () => {
    const { stdout } = await pulumi(["version"]);
    const [major, minor] = stdout.trim().replace(/^v/, "").split(".").map(Number);
    const [pinnedMajor, pinnedMinor] = PULUMI_VERSION.split(".").map(Number);
    expect(stdout.trim()).toMatch(/^v\d+\.\d+\.\d+/);
    expect(major).toBe(pinnedMajor);
    expect(minor).toBeGreaterThanOrEqual(pinnedMinor!);
  });

  it("previews a trivial TypeScript stack on the local backend", async () => {
    await pulumi(["stack", "init", "ci"]);
    const { stdout, stderr } = await pulumi(["preview", "--json"]);
    const preview = JSON.parse(stdout) as {
      steps: Array<{ op: string; urn: string }>;
      changeSummary: Record<string, number>;
    };
    expect(preview.steps.map((s) => [s.op, s.urn])).toEqual([
      ["create", "urn:pulumi:ci::trivial::pulumi:pulumi:Stack::trivial-ci"],
    ]);
    expect(preview.changeSummary).toEqual({ create: 1 });
    // Nothing about plugins taken from PATH, downloads or version mismatches.
    expect(stderr).not.toMatch(/warning/i);
  });

  it("runs the program with its stack config on up, and destroys it", async () => {
    await pulumi(["config", "set", "name", "zookeeper"]);
    await pulumi(["up", "--yes", "--skip-preview"]);
    const { stdout } = await pulumi(["stack", "output", "--json"]);
    expect(JSON.parse(stdout)).toEqual({ greeting: "hello zookeeper", stack: "ci" });
    await pulumi(["destroy", "--yes", "--skip-preview"]);
    await pulumi(["stack", "rm", "--yes"]);
    const { stdout: stacks } = await pulumi(["stack", "ls", "--json"]);
    expect(JSON.parse(stacks)).toEqual([]);
  });
});
