// The project's error classes: each carries its context and says whether
// trying again can help (as kafkajs's errors do). Tests assert the class and
// the message together.
//
// Dynamic providers run in Pulumi's provider host, which reports only an
// error's message; the class matters to our own callers and tests.
import { formatProblems, type Problem } from "./problems";

export abstract class KafkaClusterError extends Error {
  /** Whether trying the same thing again may succeed (a timeout, a broker starting). */
  abstract readonly retriable: boolean;
}

/** Input that can never work: stack config, a topic declaration, service settings. */
export class ConfigError extends KafkaClusterError {
  readonly retriable = false;
  constructor(
    readonly problems: readonly Problem[],
    header = "invalid stack config",
  ) {
    super(formatProblems(problems, header));
    this.name = "ConfigError";
  }
}

/** A topic operation failed; names the topic. */
export class TopicError extends KafkaClusterError {
  constructor(
    readonly topic: string,
    message: string,
    readonly retriable: boolean,
  ) {
    super(`topic ${JSON.stringify(topic)}: ${message}`);
    this.name = "TopicError";
  }
}

/** A process (ZooKeeper node, broker, service) did not start, stop or answer; names it. */
export class ProcessError extends KafkaClusterError {
  constructor(
    readonly label: string,
    message: string,
    readonly retriable: boolean,
    /** The last lines of its output, when known. */
    readonly output = "",
  ) {
    super(`${label}: ${message}${output ? `; last output:\n${output}` : ""}`);
    this.name = "ProcessError";
  }
}

/** The cluster as a whole is not in the state asked for (not ready, no controller). */
export class ClusterError extends KafkaClusterError {
  constructor(
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = "ClusterError";
  }
}

/** Whether an error says a retry may help: ours by `retriable`, kafkajs's by its own flag. */
export function isRetriable(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { retriable?: unknown }).retriable === true;
}
