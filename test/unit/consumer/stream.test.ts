import pino from "pino";
import type { EachBatchPayload, Kafka } from "kafkajs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WordCountStream } from "../../../consumer/stream";

/** A kafkajs stand-in: the consumer's eachBatch is handed to the test; the producer fails while `failing`. */
function fakeKafka() {
  const calls: string[] = [];
  const state = { failing: true, eachBatch: undefined as ((p: EachBatchPayload) => Promise<void>) | undefined };
  const consumer = {
    events: { GROUP_JOIN: "j", REBALANCING: "r", CRASH: "c", STOP: "s", DISCONNECT: "d" },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (o: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => void (state.eachBatch = o.eachBatch),
    pause: () => void calls.push("pause"),
    resume: () => void calls.push("resume"),
    commitOffsets: async () => void calls.push("commit"),
    disconnect: async () => undefined,
  };
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async () => {
      if (state.failing) throw new Error("MESSAGE_TOO_LARGE");
      calls.push("send");
    },
  };
  const kafka = { consumer: () => consumer, producer: () => producer } as unknown as Kafka;
  return { kafka, calls, state };
}

afterEach(() => void vi.useRealTimers());

describe("WordCountStream while the output topic refuses windows", () => {
  it("pauses consuming once 50 windows wait, retries every 5 s, and resumes once they are written", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { kafka, calls, state } = fakeKafka();
    const stream = new WordCountStream({
      kafka,
      topics: ["t"],
      groupId: "g",
      windowMs: 1_000,
      windowsKept: 5,
      limits: { maxWords: 100, topWords: 10 },
      outputTopic: "out",
      logger: pino({ level: "silent" }),
    });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    const batch = (offset: number): EachBatchPayload =>
      ({
        batch: { topic: "t", partition: 0, messages: [{ value: Buffer.from("a b"), offset: String(offset) }] },
        resolveOffset: () => undefined,
        heartbeat: async () => undefined,
        isRunning: () => true,
        isStale: () => false,
      }) as unknown as EachBatchPayload;
    for (let i = 0; i < 60 && !calls.includes("pause"); i++) {
      await state.eachBatch!(batch(i));
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(calls).toContain("pause");
    expect(Object.keys(stream.stats().uncommitted)).toEqual(["t/0"]);
    state.failing = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls.filter((c) => c === "send")).toHaveLength(50);
    expect(calls.at(-1)).toBe("resume");
    expect(stream.stats().uncommitted).toEqual({});
    await stream.stop();
  });
});
