// Waiting for a condition with a deadline: the one loop every wait in the
// project uses (readiness, cluster-ready, topic health, test harnesses).
//
// Dynamic providers that Pulumi serializes call this too, so it captures
// nothing and requires nothing. Serialized, a class is rewritten as a function
// that calls Error as a function, which sets no message on `this`: errors
// thrown there set their message themselves (as PollTimeoutError does), or
// are plain Errors (timeoutError, abort).

export interface PollOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Pause between attempts (ms). Default 200. */
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message, e.g. "broker 1 to register". */
  readonly what: string;
  /** Stops the wait at once with this error when it returns one (a process that exited). */
  readonly abort?: () => Promise<Error | undefined> | Error | undefined;
  /** The error to throw when the deadline passes, given the last thing seen; default PollTimeoutError. */
  readonly timeoutError?: (seen: string) => Promise<Error> | Error;
}

const timeoutMessage = (what: string, timeoutMs: number, last: string): string =>
  `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (saw ${last})` : ""}`;

/** Thrown when a poll's deadline passes; `last` is what the last attempt saw. */
export class PollTimeoutError extends Error {
  readonly retriable = true;
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly last: string,
  ) {
    super(timeoutMessage(what, timeoutMs, last));
    this.message ||= timeoutMessage(what, timeoutMs, last); // serialized: see the top
    this.name = "PollTimeoutError";
  }
}

/** One attempt's answer: `done` with a value, or not yet with what was seen. */
export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly seen?: string };

export const done = <T>(value: T): Attempt<T> => ({ done: true, value });
export const notYet = (seen?: string): Attempt<never> => ({ done: false, ...(seen === undefined ? {} : { seen }) });

/**
 * Runs `attempt` until it is done or the deadline passes (PollTimeoutError,
 * carrying the last thing seen). An attempt that throws ends the wait with
 * its error; catch inside `attempt` what should be tried again.
 */
export async function pollUntil<T>(attempt: () => Promise<Attempt<T>> | Attempt<T>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let seen = "";
  for (;;) {
    const aborted = await opts.abort?.();
    if (aborted) throw aborted;
    const a = await attempt();
    if (a.done) return a.value;
    seen = a.seen ?? seen;
    if (Date.now() > deadline) {
      throw opts.timeoutError ? await opts.timeoutError(seen) : new PollTimeoutError(opts.what, opts.timeoutMs, seen);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}

/** Like pollUntil for a yes/no check. */
export function waitFor(check: () => Promise<boolean> | boolean, opts: PollOptions): Promise<void> {
  return pollUntil(async () => ((await check()) ? done(undefined) : notYet()), opts);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
