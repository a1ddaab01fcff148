// kafkajs's log entries as pino lines. kafkajs logs a dead broker's
// connection error on every try, several times a second for as long as the
// broker is down; the same message about the same broker is written once per
// interval, with how many were held back since.
import { logLevel, type LogEntry } from "kafkajs";
import type pino from "pino";

const LEVELS: Readonly<Record<number, pino.Level>> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

export interface KafkajsLogOptions {
  /** The same message is written at most once per this many milliseconds. */
  readonly everyMs?: number;
  readonly now?: () => number;
}

type Sink = Pick<pino.Logger, pino.Level>;

export function kafkajsLogCreator(logger: Sink, { everyMs = 10_000, now = Date.now }: KafkajsLogOptions = {}) {
  const seen = new Map<string, { at: number; held: number }>();
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, ...rest } = log;
      const t = now();
      const key = `${level}\u0000${String(rest.broker ?? "")}\u0000${message}`;
      const last = seen.get(key);
      if (last && t - last.at < everyMs) {
        last.held++;
        return;
      }
      if (seen.size >= 1_000) for (const [k, v] of seen) if (t - v.at >= everyMs) seen.delete(k);
      seen.set(key, { at: t, held: 0 });
      logger[LEVELS[level] ?? "info"](last?.held ? { ...rest, repeated: last.held } : rest, message);
    };
}
