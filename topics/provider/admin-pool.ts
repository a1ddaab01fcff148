// Admin clients shared by every call in the provider host, one per cluster,
// made by a factory: kafkajs's (patched, lib/kafkajs) or a unit test's fake.
import type { Admin } from "kafkajs";
import { TopicError } from "../../lib/errors";
import { kafkajs } from "../../lib/kafkajs";
import { recordCreateRefusals } from "./create-answer";

/** The admin calls the provider makes: a kafkajs Admin has them all. */
export type TopicAdmin = Pick<
  Admin,
  | "fetchTopicMetadata"
  | "listTopics"
  | "describeCluster"
  | "describeConfigs"
  | "alterConfigs"
  | "createTopics"
  | "deleteTopics"
  | "createPartitions"
  | "alterPartitionReassignments"
  | "listPartitionReassignments"
>;

/** A client the pool connects and, once idle, disconnects. */
export type PooledAdmin = TopicAdmin & Pick<Admin, "connect" | "disconnect">;

/** A new, unconnected client for the cluster at `bootstrapServers`. */
export type AdminFactory = (bootstrapServers: string, connectTimeoutMs: number) => PooledAdmin;

export interface AdminPool {
  /** Runs fn with a connected client for the cluster; see createAdminPool. */
  withAdmin<T>(bootstrapServers: string, fn: (admin: TopicAdmin) => Promise<T>, connectTimeoutMs?: number): Promise<T>;
}

/** The provider's kafkajs client: quiet, and quick to give up on a cluster that is not there. */
export const kafkajsAdmin: AdminFactory = (bootstrapServers, connectTimeoutMs) => {
  const { Kafka, logLevel } = kafkajs();
  recordCreateRefusals();
  return new Kafka({
    clientId: "kafka-cluster-topics",
    brokers: bootstrapServers.split(","),
    logLevel: logLevel.NOTHING,
    connectionTimeout: connectTimeoutMs,
    retry: { retries: 3, initialRetryTime: 200 },
  }).admin();
};

interface SharedAdmin {
  readonly connected: Promise<PooledAdmin>;
  users: number;
  /** Set once an error has shown the client may be broken: no new users, closed when the last leaves. */
  retired: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * A pool whose withAdmin runs fn with a connected client shared by every
 * call for the same cluster (and connect timeout): one `pulumi up` of many
 * topics then pays for one connection, not one per resource and method. A
 * client that saw an error other than a topic's own (a TopicError) is
 * retired; an idle one is closed after 5 s.
 */
export function createAdminPool(newAdmin: AdminFactory = kafkajsAdmin): AdminPool {
  const shared = new Map<string, SharedAdmin>();
  return {
    async withAdmin(bootstrapServers, fn, connectTimeoutMs = 10_000) {
      const key = `${connectTimeoutMs} ${bootstrapServers}`;
      let entry = shared.get(key);
      if (!entry) {
        const admin = newAdmin(bootstrapServers, connectTimeoutMs);
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
      let admin: PooledAdmin | undefined;
      try {
        admin = await current.connected;
        return await fn(admin);
      } catch (err) {
        if (!(err instanceof TopicError)) retire();
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
    },
  };
}
