// `npm run preview` (ci/preview.ts) with the real CLI and the policy pack on a
// local stack that is up (127.0.32.x): Pulumi's diff, then the topology
// summary; refused changes and policy violations fail it.
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

  it("a rename is destructive, and stopped by the policy unless the change says allowDataLoss: true", async () => {
    const renamed = { ...HELLO, id: "Hello-Kafka", name: "Hello-Kafka-v2" };
    const refused = await preview("rename", { topics: [renamed, CLICKS] });
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain(
      'KafkaTopic "Hello-Kafka" breaks no-topic-data-loss: renaming it to "Hello-Kafka-v2" replaces it, deleting topic "Hello-Kafka" with its data.',
    );
    expect(refused.summary).toMatch(/^## Preview of stack `e2e-preview`: failed/);
    expect(refused.summary).toContain(
      "| **destructive** (data loss) | topic `Hello-Kafka` | renamed `Hello-Kafka` → `Hello-Kafka-v2`",
    );

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

  it("a replication factor of 1 is stopped by the policy, unless the topic states a reason", async () => {
    const r = await preview("rf1", { topics: [HELLO, CLICKS, SCRATCH] });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(
      'KafkaTopic "scratch" breaks topic-durability: replication factor 1 is below 3: losing one broker can lose acknowledged writes; ' +
        "min.insync.replicas 1 is below 2",
    );
    expect(r.stdout).toMatch(/\[mandatory\]\s+topic-durability/);
    const exempt = await preview("rf1-exempt", {
      topics: [HELLO, CLICKS, { ...SCRATCH, policyExemption: { reason: "scratch space, rebuilt hourly" } }],
    });
    expect(exempt.code).toBe(0);
    expect(exempt.summary).toContain(
      "| safe | topic `scratch` | created: 1 partitions, replication factor 1, min.insync.replicas=1 |",
    );
  });

  it("a topic removed from the config is deleted only after a deployment that said allowDataLoss: true", async () => {
    const removed = { topics: [HELLO] };
    const refused = await preview("remove", removed);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain(
      'KafkaTopic "clicks" breaks no-topic-data-loss: it is no longer declared, so topic "clicks" would be deleted with its data.',
    );

    // Step one: deploy the permission (the topic itself does not change).
    const permit = stack.configFile("permit", { topics: [HELLO, { ...CLICKS, allowDataLoss: true }] });
    await stack.pulumi(["up", "--yes", "--skip-preview", "--config-file", permit]);
    // Step two: the removal passes, and the summary says what it costs.
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
