// What a target writes into a file: inline text (config files, rendered from
// the plan), or a file on the machine running Pulumi, named by path and
// sha256. A reference keeps large content (the consumer service's bundle, ~2
// MB) out of resource inputs and state, which every preview would otherwise
// carry through the engine; the hash still makes a change show in the diff.
//
// contentOf runs inside dynamic providers, which Pulumi serializes: it
// requires its modules where it runs.

export type FileContent = string | { readonly source: string; readonly sha256: string };

/** A reference to `source` on this machine. */
export function fileReference(source: string): FileContent {
  const crypto = require("node:crypto") as typeof import("node:crypto");
  const fs = require("node:fs") as typeof import("node:fs");
  return { source, sha256: crypto.createHash("sha256").update(fs.readFileSync(source)).digest("hex") };
}

/** The bytes to write; a referenced file must still have the content its hash names. */
export function contentOf(c: FileContent): string | Buffer {
  if (typeof c === "string") return c;
  const crypto = require("node:crypto") as typeof import("node:crypto");
  const fs = require("node:fs") as typeof import("node:fs");
  let data: Buffer;
  try {
    data = fs.readFileSync(c.source);
  } catch (err) {
    throw new Error(
      `${c.source} is gone (${(err as NodeJS.ErrnoException).code}); run pulumi up again so the program writes it`,
      { cause: err },
    );
  }
  const sha256 = crypto.createHash("sha256").update(data).digest("hex");
  if (sha256 !== c.sha256)
    throw new Error(
      `${c.source} changed since the program ran (sha256 ${sha256}, expected ${c.sha256}); run pulumi up again`,
    );
  return data;
}
