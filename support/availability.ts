// Measures availability through a change, as the issues ask: an acks=all
// idempotent producer sending every `intervalMs`, and a sampler reading the
// brokers and every partition's in-sync set from ZooKeeper every 200 ms.
// stop() returns what they saw; readBack() checks every acknowledged message
// is still in the topic.
import { kafkajs } from "../lib/kafkajs";
import { connectZk, readBrokerRegistrations, type ZkClient } from "../lib/zookeeper/client";
import { readPartitions } from "../infra/roll/cluster-state";
import { partitionName } from "../infra/roll/partitions";

const { Kafka, logLevel } = kafkajs();

export interface AvailabilityReport {
  readonly acked: number;
  readonly failed: number;
  /** The longest time between two acknowledgements (or from the start to the first). */
  readonly longestStallMs: number;
  readonly worstLatencyMs: number;
  readonly p99LatencyMs: number;
  /** The fewest brokers registered in any sample. */
  readonly fewestLiveBrokers: number;
  /** Partitions seen below their min.insync.replicas (or without a leader), by name. */
  readonly belowMinIsr: string[];
  readonly samples: number;
  /** The acknowledged values, for readBack. */
  readonly ackedValues: readonly string[];
}

export interface AvailabilityProbe {
  stop(): Promise<AvailabilityReport>;
}

export interface ProbeOptions {
  readonly bootstrapServers: string;
  readonly zookeeperConnect: string;
  readonly topic: string;
  readonly intervalMs?: number;
  readonly defaultMinIsr?: number;
}

function sampler(opts: ProbeOptions) {
  const seen = { fewest: Number.MAX_SAFE_INTEGER, below: new Set<string>(), samples: 0 };
  let zk: ZkClient | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        zk ??= await connectZk(opts.zookeeperConnect, { timeoutMs: 2_000 });
        const [regs, parts] = await Promise.all([
          readBrokerRegistrations(zk),
          readPartitions(zk, opts.defaultMinIsr ?? 1),
        ]);
        seen.fewest = Math.min(seen.fewest, regs.brokerIds.length);
        for (const p of parts) if (p.leader < 0 || p.isr.length < p.minIsr) seen.below.add(partitionName(p));
        seen.samples++;
      } catch {
        // ZooKeeper busy or restarting: the next sample tries again
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    zk?.close();
  })();
  return { seen, stop: async () => ((running = false), await loop) };
}

function producerLoop(opts: ProbeOptions) {
  const kafka = new Kafka({ brokers: opts.bootstrapServers.split(","), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 30 } });
  const out = { acked: [] as string[], failed: 0, latencies: [] as number[], longestStall: 0 };
  let running = true;
  const loop = (async () => {
    await producer.connect();
    let lastAck = Date.now();
    for (let n = 0; running; n++) {
      const value = `probe-${n}`;
      const sent = Date.now();
      try {
        await producer.send({ topic: opts.topic, acks: -1, messages: [{ key: String(n), value }] });
        const now = Date.now();
        out.acked.push(value);
        out.latencies.push(now - sent);
        out.longestStall = Math.max(out.longestStall, now - lastAck);
        lastAck = now;
      } catch {
        out.failed++;
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 20));
    }
    await producer.disconnect();
  })();
  return { out, stop: async () => ((running = false), await loop) };
}

/** Starts producing and sampling; stop() ends both and reports. */
export function startAvailabilityProbe(opts: ProbeOptions): AvailabilityProbe {
  const s = sampler(opts);
  const p = producerLoop(opts);
  return {
    async stop() {
      await Promise.all([s.stop(), p.stop()]);
      const sorted = [...p.out.latencies].sort((a, b) => a - b);
      return {
        acked: p.out.acked.length,
        failed: p.out.failed,
        longestStallMs: p.out.longestStall,
        worstLatencyMs: sorted[sorted.length - 1] ?? 0,
        p99LatencyMs: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
        fewestLiveBrokers: s.seen.fewest,
        belowMinIsr: [...s.seen.below].sort(),
        samples: s.seen.samples,
        ackedValues: p.out.acked,
      };
    },
  };
}

/** The acknowledged values not found in the topic within `timeoutMs` (empty: nothing lost). */
export async function missingFromTopic(
  bootstrapServers: string,
  topic: string,
  values: readonly string[],
  timeoutMs = 60_000,
): Promise<string[]> {
  const kafka = new Kafka({ brokers: bootstrapServers.split(","), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `read-back-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const missing = new Set(values);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          missing.delete(message.value?.toString() ?? "");
          if (missing.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return [...missing];
}
