// How the provider names what went wrong: its own errors are lib/errors'
// TopicError; kafkajs's are given the broker's codes; a wait's timeout becomes
// the caller's own message.
import { PollTimeoutError } from "../../lib/poll";

/** kafkajs reports an error code, not the broker's text; name the codes. */
export function kafkaErrorText(err: unknown): string {
  const e = err as { errors?: Array<{ type?: string; message: string }>; type?: string; message: string };
  const parts = e.errors?.length ? e.errors : [e];
  return parts.map((x) => (x.type ? `${x.type}: ${x.message}` : x.message)).join("; ");
}

/** For a poll's `.catch`: its timeout becomes the error `make` builds; any other error passes unchanged. */
export const onTimeout =
  (make: (timeout: PollTimeoutError) => Error) =>
  (err: unknown): never => {
    throw err instanceof PollTimeoutError ? make(err) : err;
  };
