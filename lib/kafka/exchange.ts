// One Kafka request on a fresh plain socket and its one size-prefixed answer,
// with a deadline from the call: the framing shared by the raw Metadata
// request (raw-metadata.ts) and the ApiVersions probe (api-versions.ts).
import * as net from "node:net";

/** Answers to the requests made here are kilobytes; a size prefix past this is not an answer. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** Why a request failed: the socket failed, the broker closed it before answering, the deadline passed, or the answer was bad. */
export type RequestFailure = "connection" | "closed" | "timeout" | "bad-answer";

export class KafkaRequestError extends Error {
  constructor(
    readonly reason: RequestFailure,
    message: string,
    /** Whether the TCP connection was made: a timeout after it means the broker took the connection and did not answer. */
    readonly connected: boolean,
  ) {
    super(message);
    this.name = "KafkaRequestError";
  }
}

export interface Exchange<T> {
  readonly host: string;
  readonly port: number;
  /** The whole request, size prefix included. */
  readonly request: Buffer;
  /** "metadata": names the request in errors ("metadata request to h:p", "bad metadata answer from h:p"). */
  readonly kind: string;
  readonly timeoutMs: number;
  /** Decodes the answer's body (after its size prefix); throws on a bad one. */
  decode(body: Buffer): T;
}

let nextCorrelationId = 1;

/** A correlation id for the next request, shared by every request kind. */
export function correlationId(): number {
  return nextCorrelationId++ & 0x7fffffff;
}

/**
 * Sends the request and settles exactly once, within timeoutMs from the call
 * whatever the broker does: it rejects on a connection error, a connection
 * the broker closes before a whole answer, a bad or oversized answer, or the
 * deadline (measured from the call, not from the last byte: a broker that
 * trickles bytes cannot hold it open). The socket is destroyed when it settles.
 */
export function exchange<T>(x: Exchange<T>): Promise<T> {
  const where = `${x.kind} request to ${x.host}:${x.port}`;
  const bad = `bad ${x.kind} answer from ${x.host}:${x.port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: x.host, port: x.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    let connected = false;
    const settle = (err: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value as T);
    };
    const fail = (reason: RequestFailure, message: string) => settle(new KafkaRequestError(reason, message, connected));
    // Timers run before I/O in an event-loop turn: after a stall of this process, an answer that arrived in
    // time is read first (setImmediate runs after the I/O poll), so our own pause is not the broker's fault.
    const timer = setTimeout(
      () => setImmediate(() => fail("timeout", `${where} timed out after ${x.timeoutMs} ms`)),
      x.timeoutMs,
    );
    socket.on("error", (err) => fail("connection", `${where}: ${err.message}`));
    socket.once("close", () =>
      fail("closed", `${where}: the broker closed the connection after ${received} bytes, before a whole answer`),
    );
    socket.once("connect", () => {
      connected = true;
      socket.write(x.request);
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      chunks.length = 0;
      chunks.push(data);
      const size = data.readInt32BE(0);
      if (size < 0 || size > MAX_ANSWER_BYTES) return fail("bad-answer", `${bad}: size ${size} bytes`);
      if (received < 4 + size) return;
      try {
        settle(undefined, x.decode(data.subarray(4, 4 + size)));
      } catch (err) {
        fail("bad-answer", `${bad}: ${(err as Error).message}`);
      }
    });
  });
}

/** Writes a request header v1 (api key, version, correlation id, client id) and the body, size-prefixed. */
export function frameRequest(apiKey: number, version: number, id: number, clientId: string, body: Buffer): Buffer {
  const client = Buffer.from(clientId, "utf8");
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(id, 4);
  header.writeInt16BE(client.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + client.length + body.length);
  return Buffer.concat([size, header, client, body]);
}
