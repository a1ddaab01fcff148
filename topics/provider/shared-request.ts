// Topic creates and deletes that callers in one process send together, and
// the retry while the brokers have just started.
import { done, notYet, pollUntil } from "../../lib/poll";
import type { TopicAdmin } from "./admin-pool";
import { onTimeout } from "./errors";

/** The most topics one CreateTopics or DeleteTopics request carries. */
const BATCH = 50;
/**
 * How long a broker may wait on a CreateTopics or DeleteTopics request before
 * it answers REQUEST_TIMED_OUT: below kafkajs's own request timeout (30 s,
 * counted from the send), so the answer is the broker's. The work goes on
 * after that answer; the caller waits for the outcome it needs.
 */
export const BROKER_TIMEOUT_MS = 20_000;

interface Pending<T> {
  readonly key: string;
  readonly item: T;
  readonly settle: (err?: unknown) => void;
}

interface Queue<T> {
  readonly pending: Array<Pending<T>>;
  draining: boolean;
}

/** One queue per kind of request and client. */
const queues = new Map<string, WeakMap<TopicAdmin, Queue<unknown>>>();

function queueOf<T>(kind: string, admin: TopicAdmin): Queue<T> {
  let byAdmin = queues.get(kind);
  if (!byAdmin) queues.set(kind, (byAdmin = new WeakMap()));
  let queue = byAdmin.get(admin);
  if (!queue) byAdmin.set(admin, (queue = { pending: [], draining: false }));
  return queue as Queue<T>;
}

/**
 * Sends `item` in a request shared with the other items of this kind that
 * callers in this process submit meanwhile. Pulumi runs a deployment's
 * creates (or deletes) at once, in one provider process, and a broker
 * answers one request per connection at a time, each CreateTopics once its
 * topics have leaders: sent one topic per request, 500 topics wait for each
 * other in turn, and the last ones outlive kafkajs's request timeout. One
 * request at a time per client, with up to BATCH items; items that arrive
 * while it is out go together in the next. `send` returns the errors of the
 * items that failed, by key; each caller gets its own item's.
 */
export function sharedRequest<T>(
  kind: string,
  admin: TopicAdmin,
  key: string,
  item: T,
  send: (admin: TopicAdmin, items: T[]) => Promise<Map<string, unknown>>,
): Promise<void> {
  const q = queueOf<T>(kind, admin);
  return new Promise<void>((resolve, reject) => {
    q.pending.push({ key, item, settle: (err) => (err === undefined ? resolve() : reject(err)) });
    if (q.draining) return;
    q.draining = true;
    // Items submitted in the same turn share the first request too.
    setImmediate(async () => {
      while (q.pending.length > 0) {
        const batch = q.pending.splice(0, BATCH);
        let failed: Map<string, unknown>;
        try {
          failed = await whileBrokersStart(() =>
            send(
              admin,
              batch.map((p) => p.item),
            ),
          );
        } catch (err) {
          failed = new Map(batch.map((p) => [p.key, err]));
        }
        for (const p of batch) p.settle(failed.get(p.key));
      }
      q.draining = false;
    });
  });
}

/** kafkajs's errors when the broker it asked does not know the controller yet: one that has just started. */
export const brokersStarting = (err: unknown): boolean =>
  ["KafkaJSBrokerNotFound", "KafkaJSMetadataNotLoaded"].includes((err as Error).name);

/**
 * Runs fn again while brokersStarting(err), up to waitMs: a deployment's first
 * topics come right after the brokers register. Once waitMs has passed, the
 * last such error is thrown; any other error at once.
 */
export async function whileBrokersStart<T>(fn: () => Promise<T>, waitMs = 15_000): Promise<T> {
  let last: unknown;
  const attempt = async () => {
    try {
      return done(await fn());
    } catch (err) {
      if (!brokersStarting(err)) throw err;
      last = err;
      return notYet((err as Error).message);
    }
  };
  return pollUntil(attempt, { timeoutMs: waitMs, intervalMs: 250, what: "the brokers to know the controller" }).catch(
    onTimeout(() => last as Error),
  );
}
