// Kafka's state as the controller writes it to ZooKeeper, kept current by
// watches: /brokers/ids, /controller, /brokers/topics/<t> (replicas),
// /brokers/topics/<t>/partitions and each partition's state znode. Watches
// fire once, so every read re-arms its own; a new session re-reads
// everything; while disconnected the view is not live (health calls it stale).
import { State } from "node-zookeeper-client";
import type { Logger } from "pino";
import { createZkClient, getChildren, getData, getJson, type ZkClient, type ZkWatcher } from "../lib/zookeeper/client";
import type { PartitionView, SourceView } from "./health";

export interface ZkSourceOptions {
  readonly connect: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly logger: Logger;
  /** Called after any change was applied (a watch fired and was re-read). */
  readonly onChange?: (what: string) => void;
}

/** The parts of a broker's /brokers/ids/<id> znode that say where it listens. */
interface BrokerRegistration {
  readonly host?: string | null;
  readonly port?: number;
  readonly endpoints?: readonly string[];
}

/** host:port from a registration: its PLAINTEXT host and port, else its first endpoint (LISTENER://host:port). */
export function registeredAddress(r: BrokerRegistration): string | null {
  if (r.host && r.port && r.port > 0) return `${r.host}:${r.port}`;
  const m = /^[^:]+:\/\/(.*:\d+)$/.exec(r.endpoints?.[0] ?? "");
  return m?.[1] ?? null;
}

interface TopicState {
  replicas: Map<number, number[]> | null;
  error: string | undefined;
  states: Map<number, { leader: number | null; isr: number[] }>;
}

export class ZkSource {
  private client: ZkClient | undefined;
  private generation = 0;
  private connected = false;
  private synced = false;
  private asOf: number | null = null;
  private lastError: string | undefined;
  private brokers: number[] | null = null;
  /** Every broker registered in this process's lifetime, with its last advertised host:port (kept after it unregisters). */
  private readonly addresses = new Map<number, string>();
  private controller: number | null = null;
  private readonly topics = new Map<string, TopicState>();
  private expiryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** One watcher function per path and session: the client keeps a function once per path, so re-reads never pile up watchers. */
  private watchers = new Map<string, ZkWatcher>();

  constructor(private readonly opts: ZkSourceOptions) {
    for (const t of opts.topics) this.topics.set(t, { replicas: null, error: undefined, states: new Map() });
  }

  start(): void {
    this.newSession();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.expiryTimer);
    this.client?.close();
    this.client = undefined;
  }

  view(now: number): SourceView {
    const live = this.connected && this.synced;
    const partitions: PartitionView[] = [];
    const topicErrors: Record<string, string> = {};
    for (const [topic, t] of this.topics) {
      if (t.error) topicErrors[topic] = t.error;
      for (const [partition, s] of [...t.states.entries()].sort((a, b) => a[0] - b[0])) {
        partitions.push({ topic, partition, leader: s.leader, isr: s.isr, replicas: t.replicas?.get(partition) ?? [] });
      }
    }
    return {
      live,
      asOf: live ? now : this.asOf,
      brokers: this.brokers,
      controller: this.controller,
      partitions,
      topicErrors,
      error: this.lastError,
    };
  }

  /** Broker id -> host:port, from each registration ever read. */
  brokerAddresses(): ReadonlyMap<number, string> {
    return this.addresses;
  }

  /** A fresh client and session; everything is read again with new watches. */
  private newSession(): void {
    if (this.closed) return;
    this.client?.close();
    const generation = ++this.generation;
    this.watchers = new Map();
    const { connect, sessionTimeoutMs } = this.opts;
    const client = createZkClient(connect, { sessionTimeoutMs, spinDelayMs: 200, retries: 1 });
    this.client = client;
    const current = () => generation === this.generation && !this.closed;
    client.on("state", (state: State) => {
      if (!current()) return;
      if (state === State.SYNC_CONNECTED) {
        clearTimeout(this.expiryTimer);
        this.connected = true;
        this.opts.logger.info({ zookeeper: this.opts.connect }, "zookeeper connected; reading cluster state");
        void this.readAll(client, current);
      } else if (state === State.DISCONNECTED) {
        this.markDisconnected("disconnected");
        // The library reports expiry only once it reconnects; if the server
        // stays away past the session timeout, the session is gone anyway.
        clearTimeout(this.expiryTimer);
        this.expiryTimer = setTimeout(
          () => current() && !this.connected && this.newSession(),
          this.opts.sessionTimeoutMs,
        );
      } else if (state === State.EXPIRED) {
        this.markDisconnected("session expired");
        this.newSession();
      }
    });
    client.connect();
  }

  private markDisconnected(why: string): void {
    if (this.connected || this.synced) {
      this.asOf = Date.now();
      this.opts.logger.warn(
        { zookeeper: this.opts.connect },
        `zookeeper ${why}; health data is stale until it is back`,
      );
    }
    this.connected = false;
    this.synced = false;
    this.lastError = `zookeeper ${why}`;
  }

  private async readAll(client: ZkClient, current: () => boolean): Promise<void> {
    try {
      await Promise.all([
        this.readBrokers(client, current),
        this.readController(client, current),
        ...[...this.topics.keys()].map((t) => this.readTopic(client, current, t)),
      ]);
      if (!current() || !this.connected) return;
      this.synced = true;
      this.lastError = undefined;
      this.opts.onChange?.("zookeeper synced");
    } catch (err) {
      if (!current()) return;
      this.lastError = `zookeeper read failed: ${(err as Error).message}`;
      this.opts.logger.warn({ err }, "zookeeper read failed; retrying");
      setTimeout(() => current() && this.connected && void this.readAll(client, current), 500).unref();
    }
  }

  /** The path's one-shot watch: any event re-reads the path, which arms it again. */
  private rearm(path: string, current: () => boolean, read: () => Promise<void>): ZkWatcher {
    const known = this.watchers.get(path);
    if (known) return known;
    const watcher = (): void => {
      if (!current()) return;
      read().catch((err: unknown) => {
        if (!current()) return;
        this.lastError = `zookeeper read failed: ${(err as Error).message}`;
        this.opts.logger.warn({ err }, "zookeeper re-read after a watch failed");
      });
    };
    this.watchers.set(path, watcher);
    return watcher;
  }

  private async readBrokers(client: ZkClient, current: () => boolean): Promise<void> {
    const watcher = this.rearm("/brokers/ids", current, () => this.readBrokers(client, current));
    const ids = await getChildren(client, "/brokers/ids", watcher);
    if (!current()) return;
    this.brokers = (ids ?? []).map(Number).sort((a, b) => a - b);
    this.opts.onChange?.("brokers");
    // Every change re-reads them all (a few small reads, rarely): a broker back from a restart may listen elsewhere.
    await Promise.all(this.brokers.map((id) => this.readAddress(client, id)));
  }

  /** One registration's address; a failed read keeps the last one (the next change reads it again). */
  private async readAddress(client: ZkClient, id: number): Promise<void> {
    const r = await getJson<BrokerRegistration>(client, `/brokers/ids/${id}`).catch(() => null);
    const address = r ? registeredAddress(r) : null;
    if (address) this.addresses.set(id, address);
  }

  private async readController(client: ZkClient, current: () => boolean): Promise<void> {
    const watcher = this.rearm("/controller", current, () => this.readController(client, current));
    const znode = await getJson<{ brokerid: number }>(client, "/controller", watcher);
    if (!current()) return;
    this.controller = znode?.brokerid ?? null;
    this.opts.onChange?.("controller");
  }

  private async readTopic(client: ZkClient, current: () => boolean, topic: string): Promise<void> {
    const t = this.topics.get(topic);
    if (!t) return;
    const base = `/brokers/topics/${topic}`;
    const topicWatcher = this.rearm(base, current, () => this.readTopic(client, current, topic));
    const json = await getData(client, base, topicWatcher);
    if (!current()) return;
    if (json === null) {
      t.replicas = null;
      t.states.clear();
      t.error = "no such topic in zookeeper";
      this.opts.onChange?.(`topic ${topic}`);
      return;
    }
    const assignment = (JSON.parse(json) as { partitions: Record<string, number[]> }).partitions;
    t.replicas = new Map(Object.entries(assignment).map(([p, r]) => [Number(p), r]));
    t.error = undefined;
    await this.readPartitions(client, current, topic);
  }

  private async readPartitions(client: ZkClient, current: () => boolean, topic: string): Promise<void> {
    const t = this.topics.get(topic);
    if (!t) return;
    const path = `/brokers/topics/${topic}/partitions`;
    const watcher = this.rearm(path, current, () => this.readPartitions(client, current, topic));
    const children = (await getChildren(client, path, watcher)) ?? [];
    if (!current()) return;
    const wanted = new Set(children.map(Number));
    for (const p of t.states.keys()) if (!wanted.has(p)) t.states.delete(p);
    await Promise.all([...wanted].map((p) => this.readState(client, current, topic, p)));
  }

  private async readState(client: ZkClient, current: () => boolean, topic: string, partition: number): Promise<void> {
    const t = this.topics.get(topic);
    if (!t) return;
    const path = `/brokers/topics/${topic}/partitions/${partition}/state`;
    const watcher = this.rearm(path, current, () => this.readState(client, current, topic, partition));
    const json = await getData(client, path, watcher);
    if (!current()) return;
    if (json === null) {
      t.states.delete(partition);
    } else {
      const s = JSON.parse(json) as { leader: number; isr: number[] };
      const before = t.states.get(partition);
      const next = { leader: s.leader >= 0 ? s.leader : null, isr: s.isr };
      t.states.set(partition, next);
      if (before && (before.leader !== next.leader || before.isr.join() !== next.isr.join())) {
        this.opts.logger.info(
          { topic, partition, leader: next.leader, isr: next.isr, was: before },
          "partition state changed",
        );
      }
    }
    this.opts.onChange?.(`${topic}-${partition}`);
  }
}
