// Times the local target with the real Pulumi CLI: `pulumi up` to a ready
// cluster (jars already cached), a no-op `pulumi preview` of the stack once it
// has settled (its consumer service ready: right after `up` the brokers are
// still creating __consumer_offsets for its group), and `pulumi destroy`.
// Run: npm run bench:cluster [-- runs]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiRunner, stageProject } from "../support/pulumi";
import { waitUntil } from "../support/consumer-service";
import { printTable, summarize } from "./table";

const ADDRESSES = ["127.0.50.1", "127.0.50.2", "127.0.50.3"];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-bench-"));
  const project = stageProject(path.join(__dirname, ".."), work);
  const configFile = path.join(project, "Pulumi.bench.yaml");
  fs.writeFileSync(
    configFile,
    [
      "config:",
      "  kafka-cluster:target: local",
      "  kafka-cluster:hosts:",
      ...["hadoop-nn", "hadoop-dn1", "hadoop-dn2"].map((n, i) => `    - { name: ${n}, address: "${ADDRESSES[i]}" }`),
      `  kafka-cluster:dataDir: ${path.join(work, "data")}`,
      "",
    ].join("\n"),
  );
  fs.mkdirSync(path.join(work, "state"));
  const pulumi = pulumiRunner(project, path.join(work, "state"));
  const up: number[] = [];
  const settle: number[] = [];
  const preview: number[] = [];
  const destroy: number[] = [];
  try {
    await pulumi(["stack", "init", "bench"]);
    for (let i = 0; i < runs; i++) {
      up.push(await timed(() => pulumi(["up", "--yes", "--skip-preview"])));
      const readyUrl = (await pulumi(["stack", "output", "healthUrl"])).stdout.trim().replace(/\/health$/, "/ready");
      settle.push(
        await timed(() =>
          waitUntil(
            `${readyUrl} to answer 200`,
            60_000,
            async () => (await fetch(readyUrl).catch(() => undefined))?.ok,
            250,
          ),
        ),
      );
      preview.push(await timed(() => pulumi(["preview", "--expect-no-changes"])));
      destroy.push(await timed(() => pulumi(["destroy", "--yes", "--skip-preview"])));
    }
  } finally {
    await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
  const s = (ms: number[]): number[] => ms.map((m) => Math.round(m / 100) / 10);
  printTable(
    `local target, ${runs} runs, ${os.cpus().length} cores (seconds; targets: up <= 30, destroy <= 10, no-op preview <= 5)`,
    [
      summarize("pulumi up to a ready cluster (s)", s(up)),
      summarize("  then until the consumer service is ready (s)", s(settle)),
      summarize("no-op pulumi preview, stack settled (s)", s(preview)),
      summarize("pulumi destroy (s)", s(destroy)),
    ],
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
