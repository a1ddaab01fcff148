// The stack files in the repo say what they mean after issue 12's defaults:
// the ssh stack pins each host's key (placeholders of the right shape) and
// keeps its explicit dataDir; the docker stack keeps its explicit network.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseHostKey } from "../../../lib/ssh-host-key";

const stackFile = (name: string) =>
  fs.readFileSync(path.join(__dirname, "..", "..", "..", `Pulumi.${name}.yaml`), "utf8");

describe("Pulumi.hadoop.yaml", () => {
  const text = stackFile("hadoop");

  it("pins a host key of a valid shape on each of its three hosts", () => {
    const hosts = text.match(/^\s+- name: /gm) ?? [];
    const keys = [...text.matchAll(/^\s+hostKey: (.+)$/gm)].map((m) => m[1]!);
    expect(hosts).toHaveLength(3);
    expect(keys).toHaveLength(3);
    for (const k of keys) expect(parseHostKey(k)).toMatchObject({ type: "ssh-ed25519" });
    expect(text).not.toContain("insecureIgnoreHostKey");
  });

  it("keeps its explicit dataDir, and sets secrets from a file, never on the command line", () => {
    expect(text).toMatch(/^ {2}kafka-cluster:dataDir: \/var\/lib\/kafka-cluster$/m);
    expect(text).toContain("'kafka-cluster:hosts[0].privateKey' < ~/.ssh/id_ed25519");
    expect(text).not.toContain("$(cat");
  });
});

describe("Pulumi.docker.yaml", () => {
  it("keeps its explicit network, and so its volume names", () => {
    expect(stackFile("docker")).toMatch(/^ {4}network: kafka-cluster$/m);
  });
});
