// Kafka's state as the brokers answer it, polled: brokers, controller and
// partitions from a raw Metadata request (lib/kafka/raw-metadata.ts: a topic
// that does not exist yet is reported beside the others instead of failing
// the poll), min.insync.replicas from describeConfigs, and the consumer
// group's lag from committed offsets against high watermarks.
import { ConfigResourceTypes, type Admin, type Kafka } from "kafkajs";
import type { Logger } from "pino";
import type { PartitionView, SourceView } from "./health";
import { withDeadline } from "../lib/deadline";
import { fetchRawMetadataFromAny } from "../lib/kafka/raw-metadata";
import { partitionKey } from "./windows";

export interface AdminSourceOptions {
  readonly kafka: Kafka;
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly pollMs: number;
  readonly logger: Logger;
}

export interface OffsetsView {
  /** "topic/partition" -> lag; null when unknown (e.g. the partition is offline). */
  readonly lag: Record<string, number | null>;
  /** "topic/partition" -> committed offset of the group (-1: none). */
  readonly committed: Record<string, number>;
  /** "topic/partition" -> high watermark. */
  readonly high: Record<string, number>;
}

/** Kafka error codes worth naming in a report; others show as their number. */
const ERROR_NAMES: Record<number, string> = {
  3: "UNKNOWN_TOPIC_OR_PARTITION",
  5: "LEADER_NOT_AVAILABLE",
  9: "REPLICA_NOT_AVAILABLE",
  17: "INVALID_TOPIC_EXCEPTION",
  29: "TOPIC_AUTHORIZATION_FAILED",
};

export class AdminSource {
  private asOf: number | null = null;
  private error: string | undefined;
  private brokers: number[] | null = null;
  private controller: number | null = null;
  /** Every broker seen, with its last advertised address: a stopped one keeps it (the status page lists it as down). */
  private readonly hosts = new Map<number, string>();
  private partitions: PartitionView[] = [];
  private topicErrors: Record<string, string> = {};
  private minIsr: Record<string, number> = {};
  private offsets: OffsetsView = { lag: {}, committed: {}, high: {} };
  /**
   * Two clients: before each describeConfigs kafkajs refreshes metadata for every topic its client has asked
   * about, and a topic deleted since fails that refresh; describeConfigs must not depend on the offsets' topics.
   */
  private readonly configAdmin: Admin;
  private readonly offsetAdmin: Admin;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly opts: AdminSourceOptions) {
    // Few retries: the next poll is a retry too, and a stuck call must not hold up the loop.
    const retry = { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 };
    this.configAdmin = opts.kafka.admin({ retry });
    this.offsetAdmin = opts.kafka.admin({ retry });
  }

  /** A kafkajs call that neither answers nor fails (kafkajs enforces its own 30 s) must not stop the poll loop. */
  private deadline<T>(what: string, p: Promise<T>): Promise<T> {
    return withDeadline(what, Math.max(10_000, 2 * this.opts.pollMs), p);
  }

  start(): void {
    this.loop(() => this.pollMetadata());
    this.loop(() => this.pollConfigsAndOffsets());
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([this.configAdmin.disconnect(), this.offsetAdmin.disconnect()]);
  }

  view(): SourceView {
    return {
      live: true,
      asOf: this.asOf,
      brokers: this.brokers,
      controller: this.controller,
      partitions: this.partitions,
      topicErrors: this.topicErrors,
      error: this.error,
    };
  }

  minInsyncReplicas(): Record<string, number> {
    return this.minIsr;
  }

  brokerHosts(): ReadonlyMap<number, string> {
    return this.hosts;
  }

  offsetsView(): OffsetsView {
    return this.offsets;
  }

  /** Runs `poll` now, then pollMs after each run ends, so slow answers never pile up. */
  private loop(poll: () => Promise<void>): void {
    const run = async (): Promise<void> => {
      if (this.stopped) return;
      await poll();
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void run();
      }, this.opts.pollMs);
      this.timers.add(timer);
    };
    void run();
  }

  private async pollMetadata(): Promise<void> {
    const timeout = Math.max(1_000, Math.min(5_000, this.opts.pollMs));
    try {
      const md = await fetchRawMetadataFromAny(
        this.opts.bootstrapServers,
        this.opts.topics,
        this.opts.clientId,
        timeout,
      );
      this.brokers = md.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
      this.controller = md.controllerId >= 0 ? md.controllerId : null;
      for (const b of md.brokers) this.hosts.set(b.nodeId, `${b.host}:${b.port}`);
      const partitions: PartitionView[] = [];
      const topicErrors: Record<string, string> = {};
      for (const t of md.topics) {
        // A topic-level error means no partition list; partition-level ones
        // (LEADER_NOT_AVAILABLE for an offline partition) still carry replicas and ISR.
        if (t.errorCode !== 0) topicErrors[t.name] = ERROR_NAMES[t.errorCode] ?? `error code ${t.errorCode}`;
        for (const p of t.partitions) {
          partitions.push({
            topic: t.name,
            partition: p.partition,
            leader: p.leader >= 0 ? p.leader : null,
            replicas: p.replicas,
            isr: p.isr,
          });
        }
      }
      partitions.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
      this.partitions = partitions;
      this.topicErrors = topicErrors;
      this.asOf = Date.now();
      if (this.error) this.opts.logger.info("admin metadata poll works again");
      this.error = undefined;
    } catch (err) {
      // Logged when the failure starts or changes, not on every poll.
      if (this.error !== (err as Error).message)
        this.opts.logger.warn({ err: (err as Error).message }, "admin metadata poll failed");
      this.error = (err as Error).message;
    }
  }

  private async pollConfigsAndOffsets(): Promise<void> {
    await Promise.all([this.pollMinIsr(), this.pollOffsets()]);
  }

  private async pollMinIsr(): Promise<void> {
    try {
      const r = await this.deadline(
        "describeConfigs",
        this.configAdmin.describeConfigs({
          includeSynonyms: false,
          resources: this.opts.topics.map((name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ["min.insync.replicas"],
          })),
        }),
      );
      const next: Record<string, number> = { ...this.minIsr };
      for (const res of r.resources) {
        const entry = res.configEntries.find((e) => e.configName === "min.insync.replicas");
        if (res.errorCode === 0 && entry) next[res.resourceName] = Number(entry.configValue);
      }
      this.minIsr = next;
    } catch (err) {
      this.opts.logger.warn(
        { err: (err as Error).message },
        "describeConfigs for min.insync.replicas failed; keeping the last values",
      );
    }
  }

  private async pollOffsets(): Promise<void> {
    const lag: Record<string, number | null> = {};
    const committed: Record<string, number> = {};
    const high: Record<string, number> = {};
    for (const topic of this.opts.topics) {
      try {
        const [ends, group] = await this.deadline(
          `offsets of ${topic}`,
          Promise.all([
            this.offsetAdmin.fetchTopicOffsets(topic),
            this.offsetAdmin.fetchOffsets({ groupId: this.opts.groupId, topics: [topic] }),
          ]),
        );
        const groupOffsets = new Map((group[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        for (const e of ends) {
          const key = partitionKey(topic, e.partition);
          const c = groupOffsets.get(e.partition) ?? -1;
          high[key] = Number(e.high);
          committed[key] = c;
          // Nothing committed yet: everything still in the log is lag.
          lag[key] = Math.max(0, Number(e.high) - (c >= 0 ? c : Number(e.low)));
        }
      } catch (err) {
        // A partition without a leader (offline) has no high watermark to ask for, and a missing topic
        // none at all: this topic's lag is unknown for now.
        for (const p of this.partitions.filter((x) => x.topic === topic)) lag[partitionKey(topic, p.partition)] = null;
        this.opts.logger.debug({ topic, err: (err as Error).message }, "lag unknown");
      }
    }
    this.offsets = { lag, committed, high };
  }
}
