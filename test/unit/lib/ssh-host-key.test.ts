// A host's public key as known_hosts has it: its shape, and the fingerprint
// OpenSSH prints for it (ssh-keygen -l), which refusals name.
import { describe, expect, it } from "vitest";
import { fingerprintOf, hostKeyAlgorithms, parseHostKey } from "../../../lib/ssh-host-key";

/** Made with ssh-keygen -t ed25519; `ssh-keygen -l` prints the fingerprint below for it. */
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko";
const FINGERPRINT = "SHA256:X/kreQOtvCZzGLkikRMnfFh/YeJPUb9rqWiZSGA/ZG0";

describe("parseHostKey", () => {
  it("reads a key as known_hosts has it, with or without a comment", () => {
    expect(parseHostKey(KEY)).toEqual({ type: "ssh-ed25519", base64: KEY.split(" ")[1] });
    expect(parseHostKey(`  ${KEY} root@hadoop-nn\n`)).toEqual(parseHostKey(KEY));
  });

  it.each([
    ["", "must start with a key type"],
    ["AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko", "must start with a key type"],
    [`hadoop-nn.pengfei.org ${KEY}`, "without the host name ssh-keyscan writes first"],
    ["ssh-ed25519 not*base64", 'must be "ssh-ed25519 <base64>"'],
    ["ssh-ed25519 AAA", 'must be "ssh-ed25519 <base64>"'],
    [KEY.replace("ssh-ed25519", "ecdsa-sha2-nistp256"), "is not a ecdsa-sha2-nistp256 public key"],
  ])("refuses %j", (text, message) => {
    expect(parseHostKey(text)).toEqual(expect.stringContaining(message));
  });
});

describe("fingerprintOf", () => {
  it("is OpenSSH's SHA256 fingerprint", () => {
    expect(fingerprintOf(Buffer.from(KEY.split(" ")[1]!, "base64"))).toBe(FINGERPRINT);
  });
});

describe("hostKeyAlgorithms", () => {
  it("asks a server with several keys for the pinned one's type", () => {
    expect(hostKeyAlgorithms({ type: "ssh-ed25519", base64: "" })).toEqual(["ssh-ed25519"]);
    expect(hostKeyAlgorithms({ type: "ssh-rsa", base64: "" })).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
  });
});
