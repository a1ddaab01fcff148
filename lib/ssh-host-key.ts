// An SSH host's public key as known_hosts and `ssh-keyscan` write it
// (`ssh-ed25519 AAAA... [comment]`): its shape, its SHA256 fingerprint as
// OpenSSH prints it, and the host-key algorithms that make a server show it.
//
// Serialized by Pulumi with the ssh providers: plain functions, modules required inside.

/** Key types OpenSSH servers have, with the host-key algorithms that ask for each. */
const ALGORITHMS: Readonly<Record<string, readonly string[]>> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
};

export interface HostKey {
  readonly type: string;
  /** The key's wire blob, base64 as written. */
  readonly base64: string;
}

/** The key in `text`, or why it is not one (a sentence without the value). */
export function parseHostKey(text: string): HostKey | string {
  const fields = text.trim().split(/[ \t]+/);
  const types = Object.keys(ALGORITHMS).join(", ");
  if (fields.length >= 3 && ALGORITHMS[fields[1]!] !== undefined && ALGORITHMS[fields[0]!] === undefined) {
    return 'must be "<type> <base64>" without the host name ssh-keyscan writes first';
  }
  const [type = "", base64 = ""] = fields;
  if (ALGORITHMS[type] === undefined) return `must start with a key type: one of ${types}`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    return `must be "${type} <base64>", as in known_hosts or ssh-keyscan output`;
  }
  // The blob starts with its own type, length-prefixed: a key pasted under another type is refused.
  const blob = Buffer.from(base64, "base64");
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len !== type.length || blob.subarray(4, 4 + len).toString("latin1") !== type) {
    return `is not a ${type} public key (its base64 does not decode to one)`;
  }
  return { type, base64 };
}

/** OpenSSH's fingerprint of a key blob: `SHA256:` and the unpadded base64 of its SHA-256. */
export function fingerprintOf(blob: Buffer): string {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The host-key algorithms to offer so that a server with several keys shows the pinned one. */
export function hostKeyAlgorithms(key: HostKey): string[] {
  return [...(ALGORITHMS[key.type] ?? [])];
}
