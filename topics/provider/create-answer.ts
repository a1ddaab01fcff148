// Which topics one CreateTopics request made. kafkajs 2.2.4's admin
// createTopics answers `false`, naming no topic, when every topic the brokers
// refused was refused with TOPIC_ALREADY_EXISTS: in a shared request of many
// topics, the ones that existed before (someone else's) and the ones this
// request made then look alike, and only the latter may ever be cleaned up.
// The admin hands the caller's `topics` array to the controller broker's
// createTopics; this patch of the broker method (in this process only,
// kafkajs is pinned) records the brokers' per-topic refusals on that array.

/** A topic the brokers refused, as kafkajs names it. */
export interface TopicRefusal {
  readonly topic: string;
  readonly type?: string;
  readonly message?: string;
}

const REFUSALS = Symbol.for("kafka-cluster.createTopics.refusals");

type Carrier = { [REFUSALS]?: TopicRefusal[] };

/** The per-topic errors of a kafkajs error, if every one names its topic. */
export function topicRefusalsOf(err: unknown): TopicRefusal[] | undefined {
  const errors = (err as { errors?: Array<{ topic?: unknown; type?: string; message?: string }> } | undefined)?.errors;
  return errors?.length && errors.every((e) => typeof e.topic === "string") ? (errors as TopicRefusal[]) : undefined;
}

/** Records the refusals of a request on its topics array (the patch does; a unit test's fake cluster too). */
export function recordRefusals(topics: readonly object[], refusals: TopicRefusal[]): void {
  (topics as Carrier)[REFUSALS] = refusals;
}

/** What recordRefusals left on the array, if anything. */
export function recordedRefusals(topics: readonly object[]): TopicRefusal[] | undefined {
  return (topics as Carrier)[REFUSALS];
}

let patched = false;

/** Patches kafkajs's Broker.createTopics to record refusals (idempotent). */
export function recordCreateRefusals(): void {
  if (patched) return;
  const { version } = require("kafkajs/package.json") as { version: string };
  if (version !== "2.2.4") {
    throw new Error(
      `topics/provider/create-answer.ts patches kafkajs 2.2.4's Broker.createTopics; found kafkajs ${version}: check the patch still fits`,
    );
  }
  // A literal path, so that esbuild's bundle carries it.
  const Broker = require("kafkajs/src/broker") as {
    prototype: { createTopics(args: { topics: object[] }): Promise<unknown> };
  };
  const original = Broker.prototype.createTopics;
  Broker.prototype.createTopics = async function (this: unknown, args) {
    try {
      return await original.call(this, args);
    } catch (err) {
      const refusals = topicRefusalsOf(err);
      if (refusals && Array.isArray(args?.topics)) recordRefusals(args.topics, refusals);
      throw err;
    }
  };
  patched = true;
}
