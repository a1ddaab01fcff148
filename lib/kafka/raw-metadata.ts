// One Kafka Metadata request (v5) on a plain socket to one broker, and its
// answer as the broker sent it. The project's one reader of raw metadata;
// every kafkajs client gets the offline-partition patch instead
// (lib/kafkajs/offline-partitions.ts). This stays for what a kafkajs client
// cannot give even patched:
//   - per-topic errors side by side with the other topics: kafkajs (patched
//     too, on purpose, since its retries rely on it) throws the whole answer
//     for one topic error, so a topic not created yet would hide the rest of
//     the service's health report (consumer/admin-source.ts);
//   - one broker's own view: the test harness asks each broker in turn
//     whether it knows every broker and the controller (support/cluster.ts);
//   - one request with one timeout, no client state or retries: a poll while
//     brokers are down must end within its interval.
// offlineReplicas is decoded because v5 carries it; nothing reads it today.
import { correlationId, exchange, KafkaRequestError, MAX_ANSWER_BYTES, type RequestFailure } from "./exchange";

export interface RawPartition {
  readonly errorCode: number;
  readonly partition: number;
  /** -1 without a leader. */
  readonly leader: number;
  readonly replicas: number[];
  readonly isr: number[];
  readonly offlineReplicas: number[];
}

export interface RawTopic {
  readonly errorCode: number;
  readonly name: string;
  readonly partitions: RawPartition[];
}

export interface RawMetadata {
  readonly brokers: Array<{ nodeId: number; host: string; port: number }>;
  readonly clusterId: string | null;
  /** -1 when there is none. */
  readonly controllerId: number;
  readonly topics: RawTopic[];
}

const API_METADATA = 3;
const VERSION = 5;

export function encodeMetadataRequest(correlationId: number, clientId: string, topics: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  const i16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    parts.push(b);
  };
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, "utf8");
    i16(b.length);
    parts.push(b);
  };
  i16(API_METADATA);
  i16(VERSION);
  i32(correlationId);
  str(clientId);
  i32(topics.length);
  for (const t of topics) str(t);
  parts.push(Buffer.from([0])); // allow_auto_topic_creation = false
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Decodes a response body (after the size prefix), correlation id included. */
export function decodeMetadataResponse(buf: Buffer): { correlationId: number; metadata: RawMetadata } {
  let o = 0;
  const i16 = () => ((o += 2), buf.readInt16BE(o - 2));
  const i32 = () => ((o += 4), buf.readInt32BE(o - 4));
  const nstr = (): string | null => {
    const n = i16();
    if (n < 0) return null;
    o += n;
    return buf.toString("utf8", o - n, o);
  };
  const str = () => nstr() ?? "";
  const arr = <T>(item: () => T): T[] => {
    const n = i32();
    const out: T[] = [];
    for (let k = 0; k < n; k++) out.push(item());
    return out;
  };
  const correlationId = i32();
  i32(); // throttle_time_ms
  const brokers = arr(() => {
    const nodeId = i32();
    const host = str();
    const port = i32();
    nstr(); // rack
    return { nodeId, host, port };
  });
  const clusterId = nstr();
  const controllerId = i32();
  const topics = arr((): RawTopic => {
    const errorCode = i16();
    const name = str();
    o += 1; // is_internal
    const partitions = arr((): RawPartition => ({
      errorCode: i16(),
      partition: i32(),
      leader: i32(),
      replicas: arr(i32),
      isr: arr(i32),
      offlineReplicas: arr(i32),
    }));
    return { errorCode, name, partitions };
  });
  return { correlationId, metadata: { brokers, clusterId, controllerId, topics } };
}

export { MAX_ANSWER_BYTES };

/** Why a request failed: the socket failed, the broker closed it before answering, the deadline passed, or the answer was bad. */
export type MetadataFailure = RequestFailure;
/** The metadata request's errors are the shared exchange's. */
export const MetadataRequestError = KafkaRequestError;
export type MetadataRequestError = KafkaRequestError;

/**
 * Asks one broker. Settles exactly once, within timeoutMs from the call
 * whatever the broker does (lib/kafka/exchange.ts).
 */
export function fetchRawMetadata(
  host: string,
  port: number,
  topics: readonly string[],
  clientId: string,
  timeoutMs: number,
): Promise<RawMetadata> {
  const id = correlationId();
  return exchange({
    host,
    port,
    request: encodeMetadataRequest(id, clientId, topics),
    kind: "metadata",
    timeoutMs,
    decode: (body) => {
      const r = decodeMetadataResponse(body);
      if (r.correlationId !== id) throw new Error(`correlation id ${r.correlationId}, expected ${id}`);
      return r.metadata;
    },
  });
}

/** Tries each bootstrap server in turn until one answers. */
export async function fetchRawMetadataFromAny(
  servers: readonly string[],
  topics: readonly string[],
  clientId: string,
  timeoutMs: number,
): Promise<RawMetadata> {
  const errors: string[] = [];
  for (const s of servers) {
    const i = s.lastIndexOf(":");
    try {
      return await fetchRawMetadata(s.slice(0, i), Number(s.slice(i + 1)), topics, clientId, timeoutMs);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  throw new Error(`no broker answered a metadata request: ${errors.join("; ")}`);
}
