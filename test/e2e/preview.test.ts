// `npm run preview` (ci/preview.ts) with the real CLI and the policy pack on a
// local stack that is up (127.0.32.x): Pulumi's diff, then the topology
// summary; refused changes and policy violations fail it. Topics are deployed
// with retainOnDelete, so a rename or removal keeps the topic unless a
// deployment said allowDataLoss: true first.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  REPO_ROOT,
  stagePreviewStack,
  type PreviewStack,
  type RunResult,
  type StackTopic,
  type StackVariant,
} from "../../support/preview-stack";

const STACK = "e2e-preview";
const HELLO: StackTopic = {
  name: "Hello-Kafka",
  partitions: 3,
  replicationFactor: 3,
  config: { "min.insync.replicas": "2" },
};
const CLICKS: StackTopic = {
  name: "clicks",
  partitions: 2,
  replicationFactor: 3,
  config: { "min.insync.replicas": "2" },
};
const SCRATCH: StackTopic = {
  name: "scratch",
  partitions: 1,
  replicationFactor: 1,
  config: { "min.insync.replicas": "1" },
};
let stack: PreviewStack;

/** `npm run preview -- --stack <stack> -- --config-file <variant>`, as the npm script runs it. */
async function preview(
  name: string,
  variant: StackVariant,
  extra: string[] = [],
): Promise<RunResult & { out: string; summary: string }> {
  const summaryFile = path.join(stack.work, `${name}.md`);
  const r = await stack.run(path.join(REPO_ROOT, "node_modules", ".bin", "tsx"), [
    path.join(REPO_ROOT, "ci", "preview.ts"),
    "--stack",
    STACK,
    "--cwd",
    stack.project,
    "--summary-file",
    summaryFile,
    ...extra,
    "--",
    "--config-file",
    stack.configFile(name, variant),
  ]);
  return {
    ...r,
    out: r.stdout + r.stderr,
    summary: fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, "utf8") : "",
  };
}

beforeAll(async () => {
  stack = await stagePreviewStack({
    prefix: "127.0.32",
    stack: STACK,
    initial: { topics: [HELLO, CLICKS] },
    tmpPrefix: "kafka-cluster-e2e-preview-",
  });
  await stack.upReady();
});

afterAll(async () => {
  if (!stack) return;
  await stack.dispose();
  expect(await stack.processes()).toEqual([]);
});

describe("npm run preview", () => {
  it("partitions 3 -> 6: Pulumi's diff, the policies pass, then a summary that says in place", async () => {
    const r = await preview("grow", { topics: [{ ...HELLO, partitions: 6 }, CLICKS] });
    expect(r.code).toBe(0);
    const diffAt = r.stdout.indexOf("partitions");
    const summaryAt = r.stdout.indexOf("## Preview of stack `e2e-preview`: 1 safe");
    expect(diffAt).toBeGreaterThanOrEqual(0);
    expect(r.stdout).toMatch(/~\s+partitions\s*: 3 => 6/);
    expect(r.stdout).toMatch(
      /Policy Packs run:\s+Name\s+Version\s+kafka-cluster\|local\|\S+\/policy\/analyzer\s+0\.1\.0/,
    );
    expect(summaryAt).toBeGreaterThan(diffAt);
    expect(r.stdout).toContain("| safe | topic `Hello-Kafka` | in place: partitions 3 → 6 |");
    expect(r.stdout).toContain("| Hello-Kafka | 6 | 3 | min.insync.replicas=2 |");
    expect(r.summary).toBe(r.stdout.slice(summaryAt));
  });

  it("a rename keeps the old topic in Kafka; it is destructive only after a deployment that said allowDataLoss: true", async () => {
    const renamed = { ...HELLO, id: "Hello-Kafka", name: "Hello-Kafka-v2" };
    const kept =
      "| safe | topic `Hello-Kafka` | renamed `Hello-Kafka` → `Hello-Kafka-v2`: `Hello-Kafka-v2` created empty; " +
      "`Hello-Kafka` retained in Kafka with its data, no longer managed |";
    const plain = await preview("rename", { topics: [renamed, CLICKS] });
    expect(plain.code).toBe(0);
    expect(plain.summary).toMatch(/^## Preview of stack `e2e-preview`: 1 safe\n/);
    expect(plain.summary).toContain(kept);
    // Pulumi goes by the deployed state (allowDataLoss in the rename itself still keeps the old topic):
    // the removal below shows it with a state that never said allowDataLoss.

    const permit = stack.configFile("permit-hello", { topics: [{ ...HELLO, allowDataLoss: true }, CLICKS] });
    await stack.pulumi(["up", "--yes", "--skip-preview", "--config-file", permit]);
    const allowed = await preview("rename-allowed", { topics: [{ ...renamed, allowDataLoss: true }, CLICKS] });
    expect(allowed.code).toBe(0);
    expect(allowed.summary).toMatch(/^## Preview of stack `e2e-preview`: 1 destructive\n/);
    expect(allowed.summary).toContain(
      "| **destructive** (data loss) | topic `Hello-Kafka` | renamed `Hello-Kafka` → `Hello-Kafka-v2`: replaced, `Hello-Kafka` is deleted with its data",
    );
  });

  it("a partition decrease fails the preview with the topic manager's message", async () => {
    const r = await preview("shrink", { topics: [{ ...HELLO, partitions: 2 }, CLICKS] });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(
      'cannot decrease the partitions of "Hello-Kafka" from 3 to 2: Kafka cannot remove partitions',
    );
    expect(r.summary).toMatch(/^## Preview of stack `e2e-preview`: failed\n\n### Preview failed\n/);
    expect(r.summary).toContain('cannot decrease the partitions of "Hello-Kafka" from 3 to 2');
  });

  // The exemption (policyExemption with a reason) is the policy's unit test: test/unit/policy/rules.test.ts.
  it("a replication factor of 1 is stopped by the policy", async () => {
    const r = await preview("rf1", { topics: [HELLO, CLICKS, SCRATCH] });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(
      'KafkaTopic "scratch" breaks topic-durability: replication factor 1 is below 3: losing one broker can lose acknowledged writes; ' +
        "min.insync.replicas 1 is below 2",
    );
    expect(r.stdout).toMatch(/\[mandatory\]\s+topic-durability/);
  });

  it("a topic removed from the config stays in Kafka, deleted only after a deployment that said allowDataLoss: true", async () => {
    const removed = { topics: [HELLO] };
    const kept = await preview("remove", removed);
    expect(kept.code).toBe(0);
    expect(kept.summary).toContain(
      "| safe | topic `clicks` | `clicks` retained in Kafka with its data, no longer managed (2 partitions) |",
    );

    // State written before topics had retainOnDelete (a stack deployed by an older version): the policy stops it.
    const exported = (await stack.pulumi(["stack", "export"])).stdout;
    const legacy = JSON.parse(exported);
    for (const r of legacy.deployment.resources) if (r.type.endsWith(":KafkaTopic")) delete r.retainOnDelete;
    const legacyFile = path.join(stack.work, "legacy-state.json");
    fs.writeFileSync(legacyFile, JSON.stringify(legacy));
    await stack.pulumi(["stack", "import", "--file", legacyFile]);
    const refused = await preview("remove-legacy", removed);
    const exportedFile = path.join(stack.work, "state.json");
    fs.writeFileSync(exportedFile, exported);
    await stack.pulumi(["stack", "import", "--file", exportedFile]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain(
      'KafkaTopic "clicks" breaks no-topic-data-loss: it is no longer declared, and its deployed state predates retainOnDelete, ' +
        'so topic "clicks" would be deleted with its data.',
    );

    // Step one: deploy the permission (the topic itself does not change).
    const permit = stack.configFile("permit", { topics: [HELLO, { ...CLICKS, allowDataLoss: true }] });
    await stack.pulumi(["up", "--yes", "--skip-preview", "--config-file", permit]);
    // Step two: the removal deletes, and the summary says what it costs.
    const allowed = await preview("remove-allowed", removed);
    expect(allowed.code).toBe(0);
    expect(allowed.summary).toContain(
      "| **destructive** (data loss) | topic `clicks` | deleted with its data (2 partitions) |",
    );
  });

  it("without --stack, says how to call it", async () => {
    const r = await stack.run(path.join(REPO_ROOT, "node_modules", ".bin", "tsx"), [
      path.join(REPO_ROOT, "ci", "preview.ts"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: npm run preview -- --stack <name>");
  });
});
