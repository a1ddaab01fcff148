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

/** Keys whose values are never echoed in a problem (they reach CI logs). */
const SECRET_KEY = /(privateKey|password|secret|token)$/i;

/** `path: message, got value` (the value only when there is one to show). */
export function formatProblem(p: Problem): string {
  return `${p.path}: ${problemText(p)}`;
}

/** `message, got value`: the problem without its path, where the path is shown apart (Pulumi's check failures). */
export function problemText(p: Problem): string {
  if (!("value" in p) || SECRET_KEY.test(p.path)) return p.message;
  return `${p.message}, got ${JSON.stringify(p.value)}`;
}

/** The header line and one indented line per problem. */
export function formatProblems(problems: readonly Problem[], header = "invalid stack config"): string {
  const n = problems.length;
  return `${header} (${n} problem${n === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`;
}

/** `ns:` + segments as `a.b[0].c`: the path of a zod issue or any nested key. */
export function pathOf(prefix: string, segments: ReadonlyArray<PropertyKey>): string {
  let out = prefix;
  segments.forEach((s, i) => {
    if (typeof s === "number") out += `[${s}]`;
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

/** Problems from zod issues over `raw`, each with its path under `prefix` and the value found there. */
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
          value: valueAt(raw, [...i.path, k]),
        }))
      : [{ path: pathOf(prefix, i.path), message: i.message, value: valueAt(raw, i.path) }],
  );
}
