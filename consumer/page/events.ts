// GET /events: the status page's server-sent events. Each client gets the
// snapshot when it connects and again whenever it changes (checked every
// `intervalMs`), with a `tick` event (the report's time) as heartbeat in
// between, so the page's "as of" stays current. An event stream
// holds its connection for as long as the page is open, so the streams are
// capped well below the server's connection limit (/health must always find
// a place), and a client that stops reading is dropped rather than buffered.
import type * as http from "node:http";

export interface EventHubOptions {
  /** Streams open at once at most; more are answered 503 (EventSource retries). */
  readonly maxClients: number;
  readonly intervalMs?: number;
  readonly heartbeatMs?: number;
  /** Bytes queued for one client before it counts as not reading and is closed. */
  readonly maxBufferedBytes?: number;
}

/** Snapshots are compared by everything but the time they were taken. */
interface Snapshot {
  readonly checkedAt: number;
}

/** The reconnect delay EventSource is told to use (ms). */
const RETRY_MS = 1_000;

export class EventHub<T extends Snapshot> {
  private readonly clients = new Set<http.ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private lastKey = "";
  private lastSent = 0;
  private readonly intervalMs: number;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly snapshot: () => T,
    private readonly opts: EventHubOptions,
  ) {
    this.intervalMs = opts.intervalMs ?? 500;
    this.heartbeatMs = opts.heartbeatMs ?? 2_000;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 1024 * 1024;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response: a 503 at the cap, else an event stream until the client leaves. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.clients.size >= this.opts.maxClients) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "5" });
      res.end(`too many event streams open (${this.opts.maxClients}); try again later\n`);
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    });
    if (req.method === "HEAD") return void res.end();
    res.socket?.setNoDelay(true);
    this.clients.add(res);
    res.once("close", () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTicking();
    });
    res.write(`retry: ${RETRY_MS}\n`);
    this.publish(res);
    this.startTicking();
  }

  close(): void {
    this.stopTicking();
    for (const res of this.clients) res.destroy();
    this.clients.clear();
  }

  private startTicking(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.publish(), this.intervalMs).unref();
  }

  private stopTicking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A changed snapshot to everyone; an unchanged one to `newcomer` only, or a heartbeat when one is due. */
  private publish(newcomer?: http.ServerResponse): void {
    const s = this.snapshot();
    const { checkedAt: _at, ...rest } = s;
    const key = JSON.stringify(rest);
    if (key !== this.lastKey) {
      this.lastKey = key;
      for (const res of this.clients) this.send(res, s);
    } else if (newcomer) {
      this.send(newcomer, s);
    } else if (Date.now() - this.lastSent >= this.heartbeatMs) {
      this.lastSent = Date.now();
      for (const res of this.clients) this.write(res, `event: tick\ndata: ${s.checkedAt}\n\n`);
    }
  }

  private send(res: http.ServerResponse, s: T): void {
    this.lastSent = Date.now();
    this.write(res, `event: snapshot\ndata: ${JSON.stringify(s)}\n\n`);
  }

  private write(res: http.ServerResponse, text: string): void {
    if (res.writableLength > this.maxBufferedBytes) {
      this.clients.delete(res);
      res.destroy();
      return;
    }
    res.write(text);
  }
}
