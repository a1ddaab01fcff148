// Admin clients shared by every call in the provider host, one per cluster.
import type { Admin } from "kafkajs";
import { quietKafkajsTimers } from "../../lib/kafkajs/quiet-timers";

interface SharedAdmin {
  readonly connected: Promise<Admin>;
  users: number;
  /** Set once an error has shown the client may be broken: no new users, closed when the last leaves. */
  retired: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * Runs fn with a connected admin client shared by every call in this process
 * for the same cluster: one `pulumi up` of many topics then pays for one
 * connection, not one per resource and method. The clients live on
 * globalThis, not in a module variable, because Pulumi serializes this
 * module's functions with the values they capture. A client that saw an
 * error other than a topic's own is retired; an idle one is closed after 5 s.
 */
export async function withAdmin<T>(
  bootstrapServers: string,
  fn: (admin: Admin) => Promise<T>,
  connectTimeoutMs = 10_000,
): Promise<T> {
  const shared = ((globalThis as { kafkaClusterTopicAdmins?: Map<string, SharedAdmin> }).kafkaClusterTopicAdmins ??= new Map());
  const key = `${connectTimeoutMs} ${bootstrapServers}`;
  let entry = shared.get(key);
  if (!entry) {
    quietKafkajsTimers();
    const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");
    const admin = new Kafka({
      clientId: "kafka-cluster-topics",
      brokers: bootstrapServers.split(","),
      logLevel: logLevel.NOTHING,
      connectionTimeout: connectTimeoutMs,
      retry: { retries: 3, initialRetryTime: 200 },
    }).admin();
    entry = { connected: admin.connect().then(() => admin), users: 0, retired: false };
    shared.set(key, entry);
  }
  const current = entry;
  current.users++;
  clearTimeout(current.idle);
  const retire = (): void => {
    current.retired = true;
    if (shared.get(key) === current) shared.delete(key);
  };
  let admin: Admin | undefined;
  try {
    const connected = await current.connected;
    admin = connected;
    return await fn(connected);
  } catch (err) {
    if ((err as Error).name !== "TopicError") retire();
    throw err;
  } finally {
    current.users--;
    if (current.users === 0) {
      const close = (): void => {
        retire();
        void admin?.disconnect().catch(() => undefined);
      };
      if (current.retired) close();
      else current.idle = setTimeout(close, 5_000).unref();
    }
  }
}
