// The word-count stream: a kafkajs consumer group reading from the beginning
// on first start. Offsets are committed only after the window holding those
// messages was emitted (logged, kept, written to the output topic), so a crash
// recounts rather than loses: at-least-once. stop() stops fetching, lets the
// batch in hand finish, emits the open window, commits and disconnects.
import type { Consumer, EachBatchPayload, Kafka, Producer } from "kafkajs";
import type { Logger } from "pino";
import {
  mergeOffsets,
  parsePartitionKey,
  partitionKey,
  TumblingWindows,
  WindowHistory,
  type ClosedWindow,
  type WindowLimits,
} from "./windows";

/** Closed windows waiting for the output topic at most: past this, consuming pauses until it takes them. */
const MAX_UNSENT = 50;

/** Words over all kept windows: with MAX_WORD_LENGTH, a bound on the history's memory (a few MB). */
const HISTORY_MAX_WORDS = 20_000;

export interface StreamOptions {
  readonly kafka: Kafka;
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly windowMs: number;
  readonly windowsKept: number;
  readonly limits: WindowLimits;
  readonly outputTopic: string | undefined;
  readonly logger: Logger;
  /** Hooks for metrics. */
  readonly onWindow?: (w: ClosedWindow) => void;
  readonly onCommitFailure?: () => void;
}

export interface StreamStats {
  readonly joined: boolean;
  readonly messages: number;
  readonly pendingMessages: number;
  readonly assignment: string[];
  readonly uncommitted: Record<string, string>;
  readonly windows: readonly ClosedWindow[];
}

export class WordCountStream {
  private readonly consumer: Consumer;
  private readonly producer: Producer | undefined;
  private readonly windows: TumblingWindows;
  readonly history: WindowHistory;
  private joined = false;
  private stopping = false;
  private messages = 0;
  private assignment = new Set<string>();
  /** Offsets of emitted windows not yet committed. */
  private toCommit: Record<string, string> = {};
  /** Closed windows not yet written to the output topic. */
  private unsent: ClosedWindow[] = [];
  /** Emits and commits run one after another, in window order. */
  private emitting: Promise<void> = Promise.resolve();
  private batches = 0;
  private batchesDone: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** consumer.run() succeeded: pause() and commits are possible. */
  private running = false;
  /** Paused because MAX_UNSENT windows wait for the output topic; since when (ms). */
  private blockedSince: number | undefined;
  private lastRetry = 0;

  constructor(private readonly opts: StreamOptions) {
    this.windows = new TumblingWindows(opts.windowMs, opts.limits);
    this.history = new WindowHistory(opts.windowsKept, Math.max(HISTORY_MAX_WORDS, opts.limits.topWords));
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      // Batches big enough to drain a backlog fast, small enough that decoded
      // messages (kafkajs makes an object per message) stay well under 150 MB.
      maxBytesPerPartition: 512 * 1024,
      maxBytes: 1536 * 1024,
      maxWaitTimeInMs: 500,
      // Always come back after a failure (a broker going away, a rebalance),
      // and never wait more than 5 s between tries: consuming resumes within
      // seconds of a failover, not after kafkajs's 30 s backoff.
      retry: { retries: 10, maxRetryTime: 5_000, restartOnFailure: async () => true },
    });
    this.producer = opts.outputTopic ? opts.kafka.producer({ allowAutoTopicCreation: false }) : undefined;
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, DISCONNECT } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e) => {
      this.assignment = new Set(
        Object.entries(e.payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => partitionKey(t, p))),
      );
      this.joined = true;
      opts.logger.info(
        { groupId: opts.groupId, assignment: [...this.assignment], durationMs: e.payload.duration },
        "consumer joined its group",
      );
    });
    this.consumer.on(REBALANCING, () => {
      this.joined = false;
      // Emit and commit what we hold while we still own it.
      this.emit(this.windows.flush());
    });
    this.consumer.on(CRASH, (e) => {
      this.joined = false;
      opts.logger.error({ err: e.payload.error?.message, restart: e.payload.restart }, "consumer crashed");
    });
    this.consumer.on(STOP, () => (this.joined = false));
    this.consumer.on(DISCONNECT, () => (this.joined = false));
  }

  get isJoined(): boolean {
    return this.joined;
  }

  stats(): StreamStats {
    return {
      joined: this.joined,
      messages: this.messages,
      pendingMessages: this.windows.pendingMessages,
      assignment: [...this.assignment].sort(),
      // Offsets of closed windows not yet committed, written out or not.
      uncommitted: this.unsent.reduce((acc, w) => mergeOffsets(acc, w.commitOffsets), this.toCommit),
      windows: this.history.latest(),
    };
  }

  /** Connects and starts consuming in the background, retrying until it works or stop() is called: the service outlives a cluster that is not up yet. */
  start(): void {
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.producer?.connect();
        await this.consumer.connect();
        for (const topic of this.opts.topics) await this.consumer.subscribe({ topic, fromBeginning: true });
        if (this.stopping) return;
        await this.consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 3,
          eachBatch: (payload) => this.eachBatch(payload),
        });
        this.running = true;
        const every = Math.max(20, Math.min(250, Math.floor(this.opts.windowMs / 4)));
        this.ticker = setInterval(() => this.onTick(), every);
        return;
      } catch (err) {
        const delayMs = Math.min(30_000, 1_000 * attempt);
        this.opts.logger.warn(
          { err: (err as Error).message, attempt, retryInMs: delayMs },
          "consumer could not start; retrying",
        );
        await this.consumer.disconnect().catch(() => undefined);
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.stopping) return; // not counted, not committed: the next start reads it again
    this.batches++;
    try {
      const key = partitionKey(batch.topic, batch.partition);
      let now = Date.now();
      let n = 0;
      let last: string | undefined;
      for (const message of batch.messages) {
        if (this.stopping || !isRunning() || isStale()) break;
        // One clock read per 256 messages: windows are seconds long.
        if ((++n & 255) === 0) now = Date.now();
        this.emit(this.windows.add(message.value ? message.value.toString("utf8") : "", now, key, message.offset));
        last = message.offset;
        this.messages++;
      }
      // Resolving the last counted offset marks everything before it too.
      if (last !== undefined) resolveOffset(last);
      await heartbeat();
    } finally {
      this.batches--;
      if (this.batches === 0) this.batchesDone?.();
    }
  }

  /**
   * A closed window is logged and kept at once (a commit waiting on a group
   * coordinator that just died must not hide it from /stats); writing it out
   * and committing its offsets are queued, in window order.
   */
  private emit(w: ClosedWindow | undefined): void {
    if (!w) return;
    const top = Object.fromEntries(Object.entries(w.counts).slice(0, 10));
    this.opts.logger.info(
      {
        window: { start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString() },
        messages: w.messages,
        words: w.words,
        distinct: w.distinctWords,
        ...(w.maxUndercount > 0 ? { maxUndercount: w.maxUndercount } : {}),
        top,
      },
      "window closed",
    );
    this.history.push(w);
    this.opts.onWindow?.(w);
    this.unsent.push(w);
    if (this.unsent.length >= MAX_UNSENT && this.blockedSince === undefined && this.running && !this.stopping) {
      // Memory stays bounded while the output topic refuses windows: stop reading until it takes them.
      this.blockedSince = Date.now();
      this.consumer.pause(this.opts.topics.map((topic) => ({ topic })));
      this.opts.logger.warn({ unsent: this.unsent.length }, "output topic is not taking windows; consuming paused");
    }
    this.sendAndCommit();
  }

  private sendAndCommit(): void {
    this.emitting = this.emitting.then(async () => {
      await this.send();
      await this.commit();
      if (this.blockedSince !== undefined && this.unsent.length === 0 && !this.stopping) {
        this.opts.logger.info(
          { pausedMs: Date.now() - this.blockedSince },
          "output topic takes windows again; consuming resumed",
        );
        this.blockedSince = undefined;
        this.consumer.resume(this.opts.topics.map((topic) => ({ topic })));
      }
    });
  }

  /** Closes a window that is over; while paused for the output topic, tries it again every 5 s (no window closes then). */
  private onTick(): void {
    const w = this.windows.tick(Date.now());
    if (w) return this.emit(w);
    if (this.blockedSince !== undefined && Date.now() - this.lastRetry >= 5_000) {
      this.lastRetry = Date.now();
      this.sendAndCommit();
    }
  }

  private async send(): Promise<void> {
    while (this.unsent.length > 0) {
      const w = this.unsent[0]!;
      if (this.producer && this.opts.outputTopic) {
        try {
          const { commitOffsets: _c, ...out } = w;
          await this.producer.send({
            topic: this.opts.outputTopic,
            messages: [{ key: String(w.start), value: JSON.stringify(out) }],
          });
        } catch (err) {
          // Its offsets stay uncommitted; the next window tries again.
          this.opts.logger.error(
            { err: (err as Error).message, topic: this.opts.outputTopic },
            "writing a window to the output topic failed",
          );
          return;
        }
      }
      this.unsent.shift();
      this.toCommit = mergeOffsets(this.toCommit, w.commitOffsets);
    }
  }

  private async commit(): Promise<void> {
    // Only partitions this member still owns: another member now counts the rest.
    const owned = Object.entries(this.toCommit).filter(([k]) => this.assignment.has(k));
    if (owned.length === 0) {
      this.toCommit = {};
      return;
    }
    try {
      await this.consumer.commitOffsets(owned.map(([k, offset]) => ({ ...parsePartitionKey(k), offset })));
      this.opts.logger.debug({ offsets: Object.fromEntries(owned) }, "offsets committed");
      this.toCommit = {};
    } catch (err) {
      this.opts.onCommitFailure?.();
      this.opts.logger.warn({ err: (err as Error).message }, "offset commit failed; retrying with the next window");
    }
  }

  /** Graceful stop: no more fetching, the batch in hand finishes, the open window is emitted and committed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.ticker);
    if (this.running) this.consumer.pause(this.opts.topics.map((topic) => ({ topic })));
    if (this.batches > 0) await new Promise<void>((resolve) => (this.batchesDone = resolve));
    this.emit(this.windows.flush());
    await this.emitting;
    if (Object.keys(this.toCommit).length > 0 || this.unsent.length > 0) {
      this.opts.logger.warn(
        { uncommitted: this.toCommit, unsent: this.unsent.length },
        "stopping with offsets not committed; they will be read again",
      );
    }
    await this.consumer.disconnect();
    await this.producer?.disconnect();
  }
}
