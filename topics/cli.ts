// `npm run topics -- describe [topic...]`: topics as Kafka 3.9's
// `kafka-topics.sh --describe` prints them, read from a stack's cluster or
// from --bootstrap-server. Exit codes: 0 printed, 1 failed, 2 bad usage.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import { describeLines, type DescribeFilters } from "./describe";
import { observeTopics } from "./observe";

const USAGE = `usage: npm run topics -- describe [topic...] [options]

Prints each topic like kafka-topics.sh --describe (Kafka 3.9): a header line,
then one line per partition. Without topics: every topic in the cluster.

cluster (one of):
  --bootstrap-server host:port[,...]   the brokers to ask
  --stack <name>                       a stack's bootstrapServers and zookeeperConnect
                                       outputs (default: the selected stack)
  --zookeeper host:port[,...]          ZooKeeper for topic ids (default: the stack's
                                       output, else the brokers' zookeeper.connect)

Kafka's report flags (any one hides the header lines; several are OR'ed):
  --under-replicated-partitions        ISR smaller than the replication factor
  --under-min-isr-partitions           no leader, or ISR below min.insync.replicas
  --at-min-isr-partitions              ISR exactly min.insync.replicas
  --unavailable-partitions             no leader, or the leader is not a live broker
  --exclude-internal                   leave out __consumer_offsets and __transaction_state
`;

class UsageError extends Error {}

interface Cluster {
  readonly bootstrapServers: string;
  readonly zookeeperConnect?: string | undefined;
}

/** The selected (or named) stack's outputs, through the pinned Pulumi CLI. */
async function stackCluster(stack: string | undefined): Promise<Cluster> {
  const args = ["stack", "output", "--json", "--non-interactive", ...(stack ? ["--stack", stack] : [])];
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)("pulumi", args, { cwd: path.join(__dirname, ".."), maxBuffer: 16 << 20 }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `cannot read the outputs of ${stack ? `stack '${stack}'` : "the selected stack"} (${(e.stderr || e.message).trim()}); ` +
        "pass --bootstrap-server host:port, or --stack <name>",
      { cause: err },
    );
  }
  const outputs = JSON.parse(stdout) as { bootstrapServers?: string; zookeeperConnect?: string };
  if (!outputs.bootstrapServers) {
    throw new Error(
      `${stack ? `stack '${stack}'` : "the selected stack"} has no bootstrapServers output (is it up?); pass --bootstrap-server host:port`,
    );
  }
  return { bootstrapServers: outputs.bootstrapServers, zookeeperConnect: outputs.zookeeperConnect };
}

/** The command line: `describe [topic...]` and kafka-topics.sh's filter flags. */
function parseCli(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "bootstrap-server": { type: "string" },
      stack: { type: "string" },
      zookeeper: { type: "string" },
      topic: { type: "string", multiple: true },
      "under-replicated-partitions": { type: "boolean" },
      "under-min-isr-partitions": { type: "boolean" },
      "at-min-isr-partitions": { type: "boolean" },
      "unavailable-partitions": { type: "boolean" },
      "exclude-internal": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

export async function main(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
    if (parsed.values.help) {
      out(USAGE);
      return 0;
    }
    const [command] = parsed.positionals;
    if (command !== "describe") throw new UsageError(command ? `unknown command '${command}'` : "no command given");
    if (parsed.values["bootstrap-server"] !== undefined && parsed.values.stack !== undefined) {
      throw new UsageError("--bootstrap-server and --stack both name a cluster; give one");
    }
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  const filters: DescribeFilters = {
    underReplicated: v["under-replicated-partitions"],
    underMinIsr: v["under-min-isr-partitions"],
    atMinIsr: v["at-min-isr-partitions"],
    unavailable: v["unavailable-partitions"],
  };
  try {
    const cluster: Cluster = v["bootstrap-server"]
      ? { bootstrapServers: v["bootstrap-server"] }
      : await stackCluster(v.stack);
    const snapshot = await observeTopics({
      bootstrapServers: cluster.bootstrapServers,
      zookeeperConnect: v.zookeeper ?? cluster.zookeeperConnect,
      topics: [...parsed.positionals.slice(1), ...(v.topic ?? [])],
      excludeInternal: v["exclude-internal"],
    });
    for (const w of snapshot.warnings) err(`warning: ${w}`);
    for (const line of describeLines(snapshot.topics, snapshot.liveBrokers, filters)) out(line);
    return 0;
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main(
    process.argv.slice(2),
    (l) => process.stdout.write(`${l}\n`),
    (l) => process.stderr.write(`${l}\n`),
  ).then(
    // exitCode, not exit(): a piped stdout must drain first.
    (code) => (process.exitCode = code),
    (e: Error) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
