// A deadline on a promise the caller cannot cancel: the answer is awaited no
// longer than `ms`, so a loop that awaits it goes on (the late answer is dropped).

export class DeadlineError extends Error {
  readonly retriable = true;
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = "DeadlineError";
  }
}

export function withDeadline<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
  });
  // A late rejection after the deadline is nobody's: keep it from being an unhandled one.
  p.catch(() => undefined);
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
