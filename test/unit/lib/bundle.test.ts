import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleCjs } from "../../../lib/bundle";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("bundleCjs", () => {
  const entry = path.join(dir, "src", "main.ts");
  const dep = path.join(dir, "src", "dep.ts");
  const cache = path.join(dir, "cache");
  fs.mkdirSync(path.dirname(entry), { recursive: true });
  fs.writeFileSync(entry, 'import { greeting } from "./dep";\nexport const message: string = greeting + "!";\n');
  fs.writeFileSync(dep, 'export const greeting = "hello";\n');
  const run = (text: string): unknown => {
    const module = { exports: {} as Record<string, unknown> };
    new Function("module", "exports", "require", text)(module, module.exports, require);
    return module.exports.message;
  };

  it("bundles the entry with what it imports into one CommonJS text", () => {
    expect(run(bundleCjs({ root: dir, entry, out: path.join(cache, "main.js") }))).toBe("hello!");
  });

  it("returns the kept bundle while no input changed, and builds again when one does", () => {
    // Marks the kept bundle: only a bundle taken from the cache carries the mark.
    fs.appendFileSync(path.join(cache, "main.js"), "// kept\n");
    expect(bundleCjs({ root: dir, entry, out: path.join(cache, "main.js") })).toMatch(/\/\/ kept\n$/);
    fs.writeFileSync(dep, 'export const greeting = "hello kafka";\n');
    const rebuilt = bundleCjs({ root: dir, entry, out: path.join(cache, "main.js") });
    expect(rebuilt).not.toMatch(/\/\/ kept/);
    expect(run(rebuilt)).toBe("hello kafka!");
  });

  it("builds again when a kept input is gone", () => {
    const other = path.join(dir, "src", "other.ts");
    const main2 = path.join(dir, "src", "main2.ts");
    fs.writeFileSync(other, 'export const greeting = "bye";\n');
    fs.writeFileSync(main2, 'import { greeting } from "./other";\nexport const message: string = greeting;\n');
    expect(run(bundleCjs({ root: dir, entry: main2, out: path.join(cache, "main2.js") }))).toBe("bye");
    fs.rmSync(other);
    expect(() => bundleCjs({ root: dir, entry: main2, out: path.join(cache, "main2.js") })).toThrow(
      /Could not resolve "\.\/other"/,
    );
  });
});

describe("serviceBundleFile", () => {
  it("keeps the bundle in use and the most recently used others, removing older ones", async () => {
    const { serviceBundleFile } = await import("../../../stack/consumer-bundle");
    const cache = path.join(dir, "consumer-cache");
    fs.mkdirSync(cache, { recursive: true });
    const old = Array.from({ length: 7 }, (_, i) => path.join(cache, `${String(i).repeat(64)}.js`));
    old.forEach((f, i) => {
      fs.writeFileSync(f, "old bundle\n");
      const t = new Date(Date.UTC(2026, 0, 1 + i)); // old[6] the newest of them
      fs.utimesSync(f, t, t);
    });
    fs.writeFileSync(path.join(cache, "notes.txt"), "not a bundle\n");

    const ref = serviceBundleFile(cache, 3);
    const source = (ref as { source: string }).source;
    expect(fs.readdirSync(cache).sort()).toEqual(
      [path.basename(old[5]!), path.basename(old[6]!), path.basename(source), "notes.txt"].sort(),
    );
    expect(fs.readFileSync(source, "utf8")).toContain("kafka-cluster-consumer");
  });
});
