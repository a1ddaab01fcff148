// How fast the service sees a broker failure: SIGKILL the leader of a
// partition, then time (a) /health showing the broker unreachable (the
// service's direct probe), (b) the partition's state znode changing (its
// mtime: the ZooKeeper path's floor, set by the controller once the broker's
// ZooKeeper session expires) and (c) /health showing the new leader (polled
// every 5 ms).
// Run: npm run bench:detect [-- runs]
import * as os from "node:os";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { createTopic, getJson, startService, waitUntil, type ServiceProcess } from "../support/consumer-service";
import { connectZk, type ZkClient } from "../lib/zookeeper/client";
import { printTable, summarize } from "./table";

const PREFIX = "127.0.52";
const TOPIC = "bench-detect";

interface Row {
  partition: number;
  leader: number | null;
  state: string;
}

async function partitionRow(svc: ServiceProcess, partition: number): Promise<Row | undefined> {
  const { body } = await getJson(`${svc.baseUrl}/health`);
  return (body.partitions as Row[]).find((p) => p.partition === partition);
}

/** The state znode's last modification time (ZooKeeper's clock; same machine). */
function stateMtime(client: ZkClient, partition: number): Promise<number> {
  return new Promise((resolve, reject) =>
    client.getData(`/brokers/topics/${TOPIC}/partitions/${partition}/state`, (err, _data, stat) =>
      err ? reject(err) : resolve(Number(stat.mtime.readBigInt64BE())),
    ),
  );
}

/** The killed broker's entry in /health's brokers list shows it unreachable. */
async function unreachable(svc: ServiceProcess, broker: number): Promise<boolean> {
  const { body } = await getJson(`${svc.baseUrl}/health`);
  const row = (body.cluster.brokers as Array<{ id: number; reachable: boolean | null }>).find((b) => b.id === broker);
  return row?.reachable === false;
}

/** Polls /health every 5 ms after the kill: when the probe reported the broker, and when the leader moved. */
async function timeBoth(
  svc: ServiceProcess,
  victim: number,
  partition: number,
): Promise<{ probeAt: number; seenAt: number }> {
  let probeAt: number | undefined;
  await waitUntil(
    `broker ${victim} unreachable and a new leader for partition ${partition}`,
    60_000,
    async () => {
      if (probeAt === undefined && (await unreachable(svc, victim))) probeAt = Date.now();
      const r = await partitionRow(svc, partition);
      return probeAt !== undefined && r !== undefined && r.leader !== victim;
    },
    5,
  );
  return { probeAt: probeAt!, seenAt: Date.now() };
}

interface Samples {
  readonly probe: number[];
  readonly floor: number[];
  readonly seen: number[];
  readonly gap: number[];
}

/** Kills a partition leader per run and times the znode change and /health seeing it. */
async function measureRuns(runs: number, cluster: TestCluster, svc: ServiceProcess, zk: ZkClient): Promise<Samples> {
  const probe: number[] = [];
  const floor: number[] = [];
  const seen: number[] = [];
  const gap: number[] = [];
  for (let i = 0; i < runs; i++) {
    await waitUntil(
      "200 from /health",
      120_000,
      async () => (await getJson(`${svc.baseUrl}/health`)).status === 200,
      200,
    );
    const partition = i % 3;
    const victim = (await partitionRow(svc, partition))!.leader!;
    const killedAt = Date.now();
    await cluster.stopBroker(victim, "SIGKILL");
    const { probeAt, seenAt } = await timeBoth(svc, victim, partition);
    const changedAt = await stateMtime(zk, partition);
    probe.push(probeAt - killedAt);
    floor.push(changedAt - killedAt);
    seen.push(seenAt - killedAt);
    gap.push(seenAt - changedAt);
    console.log(
      `run ${i + 1}: broker ${victim} killed; probe reported it after ${probeAt - killedAt} ms, znode changed after ${changedAt - killedAt} ms, /health showed it after ${seenAt - killedAt} ms`,
    );
    await cluster.startBroker(victim);
  }
  return { probe, floor, seen, gap };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const cluster = await startTestCluster({
    addressPrefix: PREFIX,
    // Shorter than the default 18 s so runs are quick; the floor moves with it, the gap does not.
    brokerSettings: { "zookeeper.session.timeout.ms": 6000, "leader.imbalance.check.interval.seconds": 5 },
  });
  let svc: ServiceProcess | undefined;
  const zk = await connectZk(cluster.zookeeperConnect, { timeoutMs: 10_000, spinDelayMs: 100 });
  try {
    await createTopic(cluster.bootstrapServers, TOPIC, 3, 3);
    svc = await startService(
      {
        KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrapServers,
        ZOOKEEPER_CONNECT: cluster.zookeeperConnect,
        TOPICS: TOPIC,
        GROUP_ID: "bench-detect",
        HTTP_HOST: `${PREFIX}.1`,
        HTTP_PORT: "18091",
        LOG_LEVEL: "warn",
      },
      { asDeployed: true },
    );
    const { probe, floor, seen, gap } = await measureRuns(runs, cluster, svc, zk);
    printTable(
      `detecting a killed partition leader, ${runs} runs, zookeeper.session.timeout.ms=6000, probe every 250 ms (750 ms deadline), ${os.cpus().length} cores`,
      [
        summarize("SIGKILL to /health showing it unreachable, direct probe (ms)", probe),
        summarize("SIGKILL to state znode change (ms)", floor),
        summarize("SIGKILL to /health showing the new leader (ms)", seen),
        summarize("znode change to /health (ms)", gap),
      ],
    );
  } finally {
    await svc?.stop("SIGTERM");
    zk.close();
    await cluster.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
