// The built-in passphrase (scripts/env.sh sets it when none is given) is
// known to every clone of the project: it may encrypt the `local` stack's
// secrets only. Pure but for reading PULUMI_CONFIG_PASSPHRASE_FILE.
import * as fs from "node:fs";

/** What scripts/env.sh exports as PULUMI_CONFIG_PASSPHRASE when neither it nor PULUMI_CONFIG_PASSPHRASE_FILE is set. */
export const BUILT_IN_PASSPHRASE = "kafka-cluster-local";

/** The stack that may use it: the one whose secrets are on this machine anyway. */
export const BUILT_IN_PASSPHRASE_STACK = "local";

/** The passphrase the Pulumi CLI uses: PULUMI_CONFIG_PASSPHRASE first, then the file's text, trimmed. */
export function passphraseOf(
  env: NodeJS.ProcessEnv,
  readFile: (file: string) => string = (f) => fs.readFileSync(f, "utf8"),
): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (!file) return undefined;
  try {
    return readFile(file).trim();
  } catch {
    return undefined; // the CLI itself reports a file it cannot read
  }
}

/** Why stack `stack` may not run with this environment's passphrase, or undefined. Never echoes a passphrase but the built-in one. */
export function passphraseProblem(
  stack: string,
  env: NodeJS.ProcessEnv,
  readFile?: (file: string) => string,
): string | undefined {
  if (stack === BUILT_IN_PASSPHRASE_STACK || passphraseOf(env, readFile) !== BUILT_IN_PASSPHRASE) return undefined;
  return (
    `stack "${stack}": PULUMI_CONFIG_PASSPHRASE is the built-in "${BUILT_IN_PASSPHRASE}" (scripts/env.sh), which ` +
    `every clone of this project knows; it encrypts the "${BUILT_IN_PASSPHRASE_STACK}" stack's secrets only. ` +
    "Give this stack its own: PULUMI_CONFIG_PASSPHRASE_FILE=<a file only you can read> (or PULUMI_CONFIG_PASSPHRASE=<passphrase>) " +
    "before `pulumi stack init`; a stack already made with the built-in one: " +
    "`pulumi stack change-secrets-provider passphrase` with the new one set"
  );
}
