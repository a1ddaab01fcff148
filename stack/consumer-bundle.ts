// How the consumer service is run wherever it is deployed: one CommonJS file
// (consumer/main.ts and its npm dependencies, bundled by esbuild) on plain
// Node.js with a small heap. The benchmark runs it the same way.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { renderNodeArgs } from "../infra/render";
import { BUILD_CACHE, bundleCjs, writeIfChanged } from "../lib/bundle";
import { cacheDir } from "../lib/toolchain";
import { fileReference, type FileContent } from "../lib/file-content";

const ROOT = path.resolve(__dirname, "..");

/** The default old-generation limit (MB): kafka-cluster:consumer.maxHeapMb. */
export const DEFAULT_MAX_HEAP_MB = 64;

/**
 * V8 heap limits for the service. Node sizes its heap from the machine's
 * memory, so on a large host the young generation alone grows to ~100 MB of
 * short-lived message objects (kafkajs makes several per message) before it
 * is collected. A 1 MB semi-space keeps scavenges frequent and cheap, at no
 * cost in throughput here; the old-generation limit bounds what survives them
 * (window word tables, metadata). With the default, resident memory stays
 * near 125 MB while draining a backlog (bench/consume.ts). A window's word
 * table is bounded (maxWindowWords), so a large vocabulary needs no more heap.
 */
export function serviceNodeFlags(maxHeapMb = DEFAULT_MAX_HEAP_MB): string[] {
  return ["--max-semi-space-size=1", `--max-old-space-size=${maxHeapMb}`];
}

/** consumer/main.ts and its npm dependencies as one CommonJS file (no checkout or node_modules needed to run it). */
export function bundleService(): string {
  return bundleCjs({ root: ROOT, entry: "consumer/main.ts", out: path.join(ROOT, BUILD_CACHE, "consumer-service.js") });
}

/** How many bundles the cache keeps: the one in use and the latest others (another checkout, a branch switched back to). */
export const BUNDLES_KEPT = 5;

/**
 * The bundle as a file in the cache (`<cache>/consumer/<sha256>.js`, written
 * once per content), referenced by path and hash: the ~2 MB bundle stays out
 * of resource inputs and state, which every preview would carry. A deployment
 * reads it only when it runs, so older bundles are removed, the most recently
 * used `keep` staying.
 */
export function serviceBundleFile(dir = path.join(cacheDir(), "consumer"), keep = BUNDLES_KEPT): FileContent {
  const text = bundleService();
  const file = path.join(dir, `${crypto.createHash("sha256").update(text).digest("hex")}.js`);
  writeIfChanged(file, text);
  const now = new Date();
  fs.utimesSync(file, now, now);
  pruneBundles(dir, keep);
  return fileReference(file);
}

function pruneBundles(dir: string, keep: number): void {
  const bundles = fs
    .readdirSync(dir)
    .filter((name) => /^[0-9a-f]{64}\.js$/.test(name))
    .map((name) => ({
      file: path.join(dir, name),
      mtimeMs: fs.statSync(path.join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of bundles.slice(keep)) fs.rmSync(file, { force: true });
}

/** Node.js arguments that run the bundle at `script` with settings from `envFile`; the script comes last (LocalProcess recognises the process by it). */
export function serviceNodeArgs(envFile: string, script: string, maxHeapMb?: number): string[] {
  return renderNodeArgs(serviceNodeFlags(maxHeapMb), envFile, script);
}
