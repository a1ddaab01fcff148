// esbuild, as the program uses it: a TypeScript entry point and what it
// imports as one CommonJS file for Node.js 20+, written to disk atomically.
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Bundles `entry`. With `externalPackages`, npm packages stay `require`s,
 * resolved from the node_modules above wherever the bundle is written;
 * without, they are bundled too and the file runs on its own.
 */
export function bundleCjs(entry: string, externalPackages = false): string {
  const esbuild = require("esbuild") as typeof import("esbuild");
  const out = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    ...(externalPackages ? { packages: "external" as const } : {}),
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

/** Writes `text` to `file` unless it already holds it; readers never see a partly written file. */
export function writeIfChanged(file: string, text: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
