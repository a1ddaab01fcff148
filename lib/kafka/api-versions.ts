// One ApiVersions request (v0: no body, the oldest and simplest answer every
// broker gives) to one broker: the cheapest request that proves the broker's
// network thread and request handling answer, used as a liveness probe.
import { correlationId, exchange, frameRequest } from "./exchange";

const API_VERSIONS = 18;
const VERSION = 0;

export function encodeApiVersionsRequest(id: number, clientId: string): Buffer {
  return frameRequest(API_VERSIONS, VERSION, id, clientId, Buffer.alloc(0));
}

/** The answer's correlation id and error code (the supported versions that follow are not needed). */
export function decodeApiVersionsResponse(body: Buffer): { correlationId: number; errorCode: number } {
  if (body.length < 6) throw new Error(`answer of ${body.length} bytes is too short`);
  return { correlationId: body.readInt32BE(0), errorCode: body.readInt16BE(4) };
}

/**
 * Asks one broker for its API versions; resolves with the error code it
 * answered (0, or 35 UNSUPPORTED_VERSION: an answer all the same), rejects
 * with a KafkaRequestError (lib/kafka/exchange.ts) within timeoutMs.
 */
export function requestApiVersions(host: string, port: number, clientId: string, timeoutMs: number): Promise<number> {
  const id = correlationId();
  return exchange({
    host,
    port,
    request: encodeApiVersionsRequest(id, clientId),
    kind: "api-versions",
    timeoutMs,
    decode: (body) => {
      const r = decodeApiVersionsResponse(body);
      if (r.correlationId !== id) throw new Error(`correlation id ${r.correlationId}, expected ${id}`);
      return r.errorCode;
    },
  });
}
