// esbuild, as the program uses it: a TypeScript entry point and what it
// imports as one CommonJS file for Node.js 20+, written to disk atomically,
// and built again only when one of the files it was built from changes.
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the program keeps its builds, relative to the project directory. */
export const BUILD_CACHE = "node_modules/.cache/kafka-cluster";

/** Everything that shapes a build but is not a file: change it with the esbuild options below. */
const BUILD_OPTIONS = "cjs node20 v1";

/** Size and modification time of each file a bundle was built from. */
type Inputs = Record<string, [size: number, mtimeMs: number]>;

function statsOf(files: readonly string[]): Inputs {
  const out: Inputs = {};
  for (const f of files) {
    const s = fs.statSync(f);
    out[f] = [s.size, s.mtimeMs];
  }
  return out;
}

function unchanged(inputs: Inputs): boolean {
  return Object.entries(inputs).every(([f, [size, mtimeMs]]) => {
    try {
      const s = fs.statSync(f);
      return s.size === size && s.mtimeMs === mtimeMs;
    } catch {
      return false;
    }
  });
}

/**
 * Bundles `entry` (relative to `root`) into the file `out`. With
 * `externalPackages`, npm packages stay `require`s, resolved from the
 * node_modules above `out`; without, they are bundled too and the file runs
 * on its own.
 *
 * Beside `out` goes a manifest with the size and modification time of every
 * file the bundle was built from (and of node_modules/.package-lock.json,
 * which npm rewrites on every install); while none changed, `out` is read
 * back without building: a build costs 0.2 to 0.4 s of every preview.
 */
export function bundleCjs(opts: { root: string; entry: string; out: string; externalPackages?: boolean }): string {
  const { root, out, externalPackages = false } = opts;
  const entry = path.resolve(root, opts.entry);
  const manifest = `${out}.inputs.json`;
  const build = JSON.stringify([BUILD_OPTIONS, root, entry, externalPackages]);
  try {
    const kept = JSON.parse(fs.readFileSync(manifest, "utf8")) as { build: string; inputs: Inputs };
    if (kept.build === build && unchanged(kept.inputs)) return fs.readFileSync(out, "utf8");
  } catch {
    // nothing kept yet, or unreadable: build
  }
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [entry],
    absWorkingDir: root, // paths in the bundle's comments are relative to it
    bundle: true,
    ...(externalPackages ? { packages: "external" as const } : {}),
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const text = result.outputFiles[0]!.text;
  const files = Object.keys(result.metafile.inputs).map((f) => path.resolve(root, f));
  const lock = findUp(root, "node_modules/.package-lock.json");
  writeIfChanged(out, text);
  writeIfChanged(manifest, JSON.stringify({ build, inputs: statsOf(lock ? [...files, lock] : files) }));
  return text;
}

function findUp(dir: string, name: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const f = path.join(d, name);
    if (fs.existsSync(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Writes `text` to `file` unless it already holds it; readers never see a partly written file. */
export function writeIfChanged(file: string, text: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
