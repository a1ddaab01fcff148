// Measures how long the test harness takes to start a ready cluster
// (ZooKeeper + three brokers registered + a controller) and to stop it.
// Run: npm run bench:harness [-- runs]
import { startTestCluster } from "../support/cluster";
import { printTable, summarize } from "./table";

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const startMs: number[] = [];
  const stopMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cluster = await startTestCluster();
    startMs.push(cluster.startupMs);
    const t = Date.now();
    await cluster.stop();
    stopMs.push(Date.now() - t);
  }
  printTable(`test harness, ${runs} runs, ${process.arch}, ${require("node:os").cpus().length} cores`, [
    summarize("start to ready (ms)", startMs),
    summarize("stop (ms)", stopMs),
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
