// The one shape of a validation problem, and its one formatter: every
// validator (cluster plan, topics, consumer, service config) reports
// `<path>: <message>, got <value>` so a user sees the same thing everywhere.

export interface Problem {
  /** Where, e.g. `kafka-cluster:hosts[1].address` or `topics[0].partitions`. */
  readonly path: string;
  /** What is wrong, e.g. `must be an integer >= 1`. */
  readonly message: string;
  /** The offending value; omitted when there is none to show (or it is secret). */
  readonly value?: unknown;
}

/** Names of keys whose values are never echoed in a problem (they reach CI logs and PR comments). */
const SECRET_NAME = /private.?key|passw(or)?d|passphrase|secret|token|credential|jaas/i;
/**
 * Text holding a secret is not echoed either: a private key pasted where
 * another value belongs, or config text that did not parse as JSON and
 * assigns a secret (`{"privateKey": "...`, `password=...`).
 */
const SECRET_TEXT =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|(private.?key|passw(or)?d|passphrase|secret|token)["']?\s*[:=]/i;

/** The user name and password of a URL (`https://user:secret@host/`), wherever one appears in a text. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"']+@/gi;

/** What a problem shows instead of a secret. */
export const REDACTED = "[secret]";

/** Whether a key or a problem's path names a secret (anywhere in it: `ssl.keystore.password`, `hosts[0].privateKey`). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * The value with every secret in it replaced by REDACTED, at any depth: the
 * values of keys named like secrets, and strings holding a private key.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === "string")
    return SECRET_TEXT.test(value) ? REDACTED : value.replace(URL_USERINFO, `$1${REDACTED}@`);
  if (value === null || typeof value !== "object") return value;
  // Config is JSON: no cycles; the bound only keeps a hostile object from recursing forever.
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, isSecretName(k) ? REDACTED : redactSecrets(v, depth + 1)]),
  );
}

/** `path: message, got value` (the value only when there is one to show). */
export function formatProblem(p: Problem): string {
  return `${p.path}: ${problemText(p)}`;
}

/** `message, got value`: the problem without its path, where the path is shown apart (Pulumi's check failures). */
export function problemText(p: Problem): string {
  if (!("value" in p) || isSecretName(p.path)) return p.message;
  return `${p.message}, got ${JSON.stringify(redactSecrets(p.value))}`;
}

/** The header line and one indented line per problem. */
export function formatProblems(problems: readonly Problem[], header = "invalid stack config"): string {
  const n = problems.length;
  return `${header} (${n} problem${n === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`;
}

/** A key written as it is (`broker.id`), or quoted as JSON when it holds anything else (`["a\\nb"]`): a path stays one line. */
const PLAIN_KEY = /^[A-Za-z0-9_.$-]+$/;

/** `ns:` + segments as `a.b[0].c`: the path of a zod issue or any nested key. */
export function pathOf(prefix: string, segments: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  segments.forEach((s, i) => {
    if (typeof s === "number") out += `[${s}]`;
    else if (!PLAIN_KEY.test(String(s))) out += `[${JSON.stringify(String(s))}]`;
    else out += i === 0 && (prefix === "" || prefix.endsWith(":")) ? String(s) : `.${String(s)}`;
  });
  return out;
}

/** The value at `segments` inside `raw`, or undefined. */
export function valueAt(raw: unknown, segments: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = raw;
  for (const s of segments) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

/** Problems from zod issues over `raw`, each with its path under `prefix` and the value found there (secrets redacted). */
export function zodProblems(
  prefix: string,
  raw: unknown,
  issues: ReadonlyArray<{
    readonly code: string;
    readonly path: ReadonlyArray<PropertyKey>;
    readonly message: string;
    readonly keys?: readonly string[];
  }>,
): Problem[] {
  return issues.flatMap((i) =>
    i.code === "unrecognized_keys" && i.keys
      ? i.keys.map((k) => ({
          path: pathOf(prefix, [...i.path, k]),
          message: "unknown key",
          value: redactedAt(raw, [...i.path, k]),
        }))
      : [{ path: pathOf(prefix, i.path), message: i.message, value: redactedAt(raw, i.path) }],
  );
}

/** The value at `segments`, REDACTED when its key names a secret, and with every secret inside it redacted. */
function redactedAt(raw: unknown, segments: ReadonlyArray<PropertyKey>): unknown {
  const value = valueAt(raw, segments);
  const last = segments[segments.length - 1];
  if (typeof last === "string" && isSecretName(last) && value !== undefined) return REDACTED;
  return redactSecrets(value);
}
