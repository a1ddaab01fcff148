import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contentOf, fileReference } from "../../../lib/file-content";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-content-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("file content", () => {
  it("inline text is written as is", () => {
    expect(contentOf("a=1\n")).toBe("a=1\n");
  });

  it("a reference carries the path and sha256, and yields the bytes while they match", () => {
    const f = path.join(dir, "bundle.js");
    fs.writeFileSync(f, "console.log(1)\n");
    const ref = fileReference(f);
    expect(ref).toEqual({ source: f, sha256: "3879a5d930ae1999b278a3a498f7de3fd83ba8dae59330fcfa2db31c103ac21d" });
    expect(contentOf(ref).toString()).toBe("console.log(1)\n");
  });

  it("refuses a referenced file that changed or is gone, naming it", () => {
    const f = path.join(dir, "changing.js");
    fs.writeFileSync(f, "one");
    const ref = fileReference(f);
    fs.writeFileSync(f, "two");
    expect(() => contentOf(ref)).toThrow(`${f} changed since the program ran`);
    fs.rmSync(f);
    expect(() => contentOf(ref)).toThrow(`${f} is gone (ENOENT); run pulumi up again so the program writes it`);
  });
});
