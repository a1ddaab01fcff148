// How the provider names what went wrong: its own errors name the topic and
// say whether trying again may help; kafkajs's are given the broker's codes.

export interface TopicError extends Error {
  readonly topic: string;
  /** Whether trying again may help (a timeout, an unreachable cluster). */
  readonly retriable: boolean;
}

export function topicError(topic: string, message: string, retriable: boolean): TopicError {
  return Object.assign(new Error(`topic ${JSON.stringify(topic)}: ${message}`), { name: "TopicError", topic, retriable });
}

/** kafkajs reports an error code, not the broker's text; name the codes. */
export function kafkaErrorText(err: unknown): string {
  const e = err as { errors?: Array<{ type?: string; message: string }>; type?: string; message: string };
  const parts = e.errors?.length ? e.errors : [e];
  return parts.map((x) => (x.type ? `${x.type}: ${x.message}` : x.message)).join("; ");
}
