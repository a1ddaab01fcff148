// The built-in passphrase encrypts the local stack's secrets only; every
// other stack is refused at preview while it is the one in the environment.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stackDefaults } from "../../../stack/config";
import { BUILT_IN_PASSPHRASE, passphraseOf, passphraseProblem } from "../../../stack/passphrase";

const file = (text: string) => () => text;

describe("passphraseProblem", () => {
  it("lets the local stack use the built-in passphrase", () => {
    expect(passphraseProblem("local", { PULUMI_CONFIG_PASSPHRASE: BUILT_IN_PASSPHRASE })).toBeUndefined();
  });

  it("refuses it for any other stack, saying how to set one", () => {
    const problem = passphraseProblem("hadoop", { PULUMI_CONFIG_PASSPHRASE: BUILT_IN_PASSPHRASE });
    expect(problem).toContain(`stack "hadoop": PULUMI_CONFIG_PASSPHRASE is the built-in "${BUILT_IN_PASSPHRASE}"`);
    expect(problem).toContain("PULUMI_CONFIG_PASSPHRASE_FILE=<a file only you can read>");
    expect(problem).toContain("PULUMI_CONFIG_PASSPHRASE=<passphrase>");
  });

  it("refuses it from a passphrase file too, as Pulumi reads it (trimmed)", () => {
    const env = { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" };
    expect(passphraseProblem("docker", env, file(`${BUILT_IN_PASSPHRASE}\n`))).toBeDefined();
    expect(passphraseProblem("docker", env, file("mine\n"))).toBeUndefined();
  });

  it("accepts any other passphrase, or none (another secrets provider), without echoing it", () => {
    expect(passphraseProblem("hadoop", { PULUMI_CONFIG_PASSPHRASE: "correct horse" })).toBeUndefined();
    expect(passphraseProblem("hadoop", {})).toBeUndefined();
  });

  it("takes PULUMI_CONFIG_PASSPHRASE before the file, as Pulumi does", () => {
    const env = { PULUMI_CONFIG_PASSPHRASE: "mine", PULUMI_CONFIG_PASSPHRASE_FILE: "/p" };
    expect(passphraseOf(env, file(BUILT_IN_PASSPHRASE))).toBe("mine");
  });

  it("is the passphrase scripts/env.sh sets, and only when no file is given", () => {
    const envSh = fs.readFileSync(path.join(__dirname, "..", "..", "..", "scripts", "env.sh"), "utf8");
    expect(envSh).toContain(`PULUMI_CONFIG_PASSPHRASE="\${PULUMI_CONFIG_PASSPHRASE-${BUILT_IN_PASSPHRASE}}"`);
    expect(envSh).toContain('if [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then');
  });
});

describe("stackDefaults", () => {
  it("gives every stack its own ssh data directory and Docker network", () => {
    const d = stackDefaults("kafka-cluster", "hadoop");
    expect(d.defaultDataDir("ssh")).toBe("/var/lib/kafka-cluster/hadoop");
    expect(d.defaultDataDir("local")).toMatch(/\/stacks\/kafka-cluster-hadoop$/);
    expect(d.defaultDockerNetwork).toBe("kafka-cluster-hadoop");
  });
});
