// Through the real CLI: a stack other than `local` whose secrets would be
// encrypted with the built-in passphrase fails at preview saying how to set
// one, and nothing is created; the same stack with its own passphrase
// (given in a file) previews.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pulumiRunner, stageProject } from "../../support/pulumi";
import { BUILT_IN_PASSPHRASE } from "../../stack/passphrase";

const repoRoot = path.join(__dirname, "..", "..");
let work: string;
let project: string;
const CONFIG = ["config:", "  kafka-cluster:topics: []", "  kafka-cluster:consumer: { enabled: false }", ""].join("\n");

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-e2e-passphrase-"));
  project = stageProject(repoRoot, work);
  // A local-target config: nothing here needs a host, and preview starts nothing.
  for (const stack of ["staging", "qa", "prod"]) fs.writeFileSync(path.join(project, `Pulumi.${stack}.yaml`), CONFIG);
  fs.mkdirSync(path.join(work, "state"));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("the built-in passphrase", () => {
  it("is refused at preview for a stack other than local, naming how to set one; nothing is created", async () => {
    const pulumi = pulumiRunner(project, path.join(work, "state"), { PULUMI_CONFIG_PASSPHRASE: BUILT_IN_PASSPHRASE });
    await pulumi(["stack", "init", "staging"]);
    const r = await pulumi.fails(["preview"]);
    expect(`${r.stdout}${r.stderr}`).toContain(
      `stack "staging": PULUMI_CONFIG_PASSPHRASE is the built-in "${BUILT_IN_PASSPHRASE}"`,
    );
    expect(`${r.stdout}${r.stderr}`).toContain("PULUMI_CONFIG_PASSPHRASE_FILE=<a file only you can read>");
    const state = JSON.parse((await pulumi(["stack", "export"])).stdout);
    expect(state.deployment.resources ?? []).toEqual([]);
  });

  it("is refused from a passphrase file too; the stack's own passphrase in a file previews", async () => {
    const withFile = (name: string, text: string) => {
      const file = path.join(work, `${name}.passphrase`);
      fs.writeFileSync(file, text, { mode: 0o600 });
      return pulumiRunner(project, path.join(work, "state"), {
        PULUMI_CONFIG_PASSPHRASE: undefined,
        PULUMI_CONFIG_PASSPHRASE_FILE: file,
      });
    };
    const builtIn = withFile("qa", `${BUILT_IN_PASSPHRASE}\n`);
    await builtIn(["stack", "init", "qa"]);
    expect((await builtIn.fails(["preview"])).stdout).toContain('stack "qa": PULUMI_CONFIG_PASSPHRASE is the built-in');
    const own = withFile("prod", "a passphrase of prod's own\n");
    await own(["stack", "init", "prod"]);
    const { stdout } = await own(["preview"]);
    expect(stdout).toMatch(/\+ +kafka-cluster:infra:KafkaCluster/);
  });
});
