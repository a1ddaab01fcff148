// Records the fixtures of test/unit/summary.test.ts: real `pulumi preview
// --json` outputs of the real CLI against a local stack that is up, one per
// kind of change, into test/fixtures/previews/. Paths are made machine
// independent, source positions dropped and serialized provider code elided;
// nothing else is edited.
// Usage: npm run record-previews [-- <address prefix, default 127.0.32>]
import * as fs from "node:fs";
import * as path from "node:path";
import { cacheDir } from "../lib/toolchain";
import { REPO_ROOT, stagePreviewStack, type StackTopic, type StackVariant } from "../support/preview-stack";

const OUT = path.join(REPO_ROOT, "test", "fixtures", "previews");
const HELLO: StackTopic = {
  name: "Hello-Kafka",
  partitions: 3,
  replicationFactor: 3,
  config: { "min.insync.replicas": "2" },
};
const CLICKS: StackTopic = {
  name: "clicks",
  partitions: 6,
  replicationFactor: 3,
  config: { "min.insync.replicas": "2", "retention.ms": "86400000" },
};
const INITIAL: StackVariant = { topics: [HELLO, CLICKS] };

/** Each fixture: a config variant of the deployed stack, and whether the preview runs the policy pack. */
const VARIANTS: Record<string, StackVariant & { policy?: boolean }> = {
  "no-change": INITIAL,
  "grow-partitions": { topics: [{ ...HELLO, partitions: 6 }, CLICKS] },
  "create-topic": {
    topics: [
      HELLO,
      CLICKS,
      { name: "orders", partitions: 12, replicationFactor: 3, config: { "min.insync.replicas": "2" } },
    ],
  },
  "topic-config": {
    topics: [
      HELLO,
      { ...CLICKS, config: { "min.insync.replicas": "2", "retention.ms": "604800000", "cleanup.policy": "compact" } },
    ],
  },
  "replication-factor": { topics: [HELLO, { ...CLICKS, replicationFactor: 2 }] },
  rename: { topics: [{ ...HELLO, id: "Hello-Kafka", name: "Hello-Kafka-v2" }, CLICKS] },
  "delete-topic": { topics: [HELLO] },
  "broker-config": { topics: INITIAL.topics, kafka: { brokerConfig: { "log.retention.hours": 72 } } },
  "zookeeper-ports": { topics: INITIAL.topics, zookeeper: { clientPort: 2182 } },
  "data-dir": { topics: INITIAL.topics, dataDirName: "data-moved" },
  mixed: {
    topics: [
      { ...HELLO, id: "Hello-Kafka", name: "Hello-Kafka-v2" },
      { ...CLICKS, partitions: 12 },
      { name: "orders", partitions: 12, config: { "min.insync.replicas": "2" } },
    ],
    kafka: { brokerConfig: { "log.retention.hours": 72 } },
  },
  decrease: { topics: [{ ...HELLO, partitions: 2 }, CLICKS] },
  "policy-replication-factor-1": {
    topics: [
      HELLO,
      CLICKS,
      { name: "scratch", partitions: 1, replicationFactor: 1, config: { "min.insync.replicas": "1" } },
    ],
    policy: true,
  },
};

/** Stands for a dynamic provider's serialized code (tens of kB in every state). */
const ELIDED_PROVIDER = "<serialized dynamic provider, elided by ci/record-previews.ts>";

/**
 * Machine-independent: temp, cache and repo paths replaced; source positions
 * (the staged paths) dropped; the serialized provider code elided.
 */
function scrub(json: string, work: string): string {
  const replaced = json
    .split(work)
    .join("/tmp/kafka-cluster-previews")
    .split(cacheDir())
    .join("/home/ci/.cache/kafka-cluster")
    .split(REPO_ROOT)
    .join("/repo");
  const drop = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(drop)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => k !== "sourcePosition" && k !== "stackTrace")
              .map(([k, x]) => [k, k === "__provider" && typeof x === "string" ? ELIDED_PROVIDER : drop(x)]),
          )
        : v;
  return `${JSON.stringify(drop(JSON.parse(replaced)), null, 2)}\n`;
}

async function main(): Promise<void> {
  const prefix = process.argv[2] ?? "127.0.32";
  const stack = await stagePreviewStack({
    prefix,
    stack: "previews",
    initial: INITIAL,
    tmpPrefix: "kafka-cluster-previews-",
  });
  const policyPack = path.join(REPO_ROOT, "policy", "analyzer");
  const record = async (name: string, args: string[]): Promise<void> => {
    const r = await stack.run("pulumi", ["preview", "--json", "--show-sames", "--non-interactive", ...args]);
    fs.writeFileSync(path.join(OUT, `${name}.json`), scrub(r.stdout, stack.work));
    console.log(`${name}.json (exit ${r.code})`);
  };
  try {
    fs.mkdirSync(OUT, { recursive: true });
    await record("fresh", []);
    await stack.upReady();
    for (const [name, variant] of Object.entries(VARIANTS)) {
      await record(name, [
        "--config-file",
        stack.configFile(name, variant),
        ...(variant.policy ? ["--policy-pack", policyPack] : []),
      ]);
    }
  } finally {
    await stack.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
