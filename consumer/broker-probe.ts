// Probes every broker directly (a TCP connection and an ApiVersions request,
// on a short interval, each with a deadline), so a killed or cut-off broker
// is reported within a second instead of when its ZooKeeper session expires.
// One probe in flight per broker: a stopped broker never piles up sockets.
import { requestApiVersions } from "../lib/kafka/api-versions";
import { KafkaRequestError } from "../lib/kafka/exchange";

/** What the probe knows about one broker; `reachable` is null until its first probe settles. */
export interface BrokerReachability {
  readonly id: number;
  /** host:port probed: the last address the broker registered, kept after it unregisters. */
  readonly address: string;
  readonly reachable: boolean | null;
  /** When `reachable` took its current value (ms since the epoch); null before the first probe settled. */
  readonly since: number | null;
  /** Why the last probe failed, while unreachable. */
  readonly reason?: string;
  /** When the broker last answered (ms since the epoch). */
  readonly lastAnswerAt: number | null;
}

/** One probe: resolves when the broker answered, rejects (within timeoutMs) when it did not. */
export type ProbeFn = (host: string, port: number, timeoutMs: number) => Promise<unknown>;

export interface BrokerProbeOptions {
  /** Broker id -> host:port as registered now; called on every tick. */
  readonly targets: () => ReadonlyMap<number, string>;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly clientId: string;
  /** Called when a broker's reachable state changes. */
  readonly onChange?: (b: BrokerReachability) => void;
  /** For tests: the probe itself and the clock. */
  readonly probe?: ProbeFn;
  readonly now?: () => number;
}

interface State {
  address: string;
  reachable: boolean | null;
  since: number | null;
  reason: string | undefined;
  lastAnswerAt: number | null;
  inFlight: boolean;
}

/** The failure in a few words: a refused or reset connection, no connection, or a connection with no answer. */
export function failureReason(err: unknown, timeoutMs: number): string {
  if (err instanceof KafkaRequestError) {
    if (err.reason === "timeout")
      return err.connected
        ? `connected but no answer to ApiVersions within ${timeoutMs} ms`
        : `no TCP connection within ${timeoutMs} ms`;
    const code = /\b(E[A-Z]+)\b/.exec(err.message)?.[1];
    if (err.reason === "connection") return code ? `connection failed (${code})` : err.message;
    if (err.reason === "closed") return "connection closed before an answer";
    return err.message;
  }
  return (err as Error).message;
}

const splitAddress = (a: string): [string, number] => {
  const i = a.lastIndexOf(":");
  return [a.slice(0, i), Number(a.slice(i + 1))];
};

export class BrokerProbe {
  private readonly states = new Map<number, State>();
  private timer: NodeJS.Timeout | undefined;
  private readonly probeFn: ProbeFn;
  private readonly now: () => number;

  constructor(private readonly opts: BrokerProbeOptions) {
    this.probeFn = opts.probe ?? ((h, p, t) => requestApiVersions(h, p, opts.clientId, t));
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Every broker ever seen, by id. */
  view(): BrokerReachability[] {
    return [...this.states.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, s]) => ({
        id,
        address: s.address,
        reachable: s.reachable,
        since: s.since,
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
        lastAnswerAt: s.lastAnswerAt,
      }));
  }

  /** Takes in new brokers and addresses, then starts a probe for each broker with none in flight. */
  tick(): void {
    for (const [id, address] of this.opts.targets()) {
      const s = this.states.get(id);
      if (!s) {
        this.states.set(id, {
          address,
          reachable: null,
          since: null,
          reason: undefined,
          lastAnswerAt: null,
          inFlight: false,
        });
      } else s.address = address;
    }
    for (const [id, s] of this.states) if (!s.inFlight) this.probeOne(id, s);
  }

  private probeOne(id: number, s: State): void {
    s.inFlight = true;
    const [host, port] = splitAddress(s.address);
    const settled = (reason: string | undefined): void => {
      s.inFlight = false;
      const now = this.now();
      if (reason === undefined) s.lastAnswerAt = now;
      const reachable = reason === undefined;
      const changed = s.reachable !== reachable;
      if (changed) {
        s.reachable = reachable;
        s.since = now;
      }
      s.reason = reason;
      if (changed) this.opts.onChange?.(this.view().find((b) => b.id === id)!);
    };
    let p: Promise<unknown>;
    try {
      p = this.probeFn(host, port, this.opts.timeoutMs);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => settled(undefined),
      (err: unknown) => settled(failureReason(err, this.opts.timeoutMs)),
    );
  }
}
