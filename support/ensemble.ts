// A real three-node ZooKeeper ensemble on loopback for tests of what rolls
// through it (infra/roll/zookeeper-roll.ts). Everything lives in one temp dir
// and dies with this process.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderZooCfg } from "../infra/render";
import type { EnsembleNode } from "../infra/roll/zookeeper-roll";
import { modeOf } from "../infra/roll/zookeeper-roll";
import { waitFor } from "../lib/poll";
import { kafkaLibsDir } from "../lib/toolchain";
import { member, stopMember, type Member } from "./cluster-members";
import { removeOnExit } from "./exit-cleanup";

export interface TestEnsemble {
  readonly nodes: readonly EnsembleNode[];
  readonly connect: string;
  /** Stops node `id` (SIGTERM), starts it again; resolves once it answers srvr in the quorum. */
  restart(id: number): Promise<void>;
  stopNode(id: number, signal?: NodeJS.Signals): Promise<void>;
  startNode(id: number): Promise<void>;
  stop(): Promise<void>;
}

const inQuorum = async (n: EnsembleNode): Promise<boolean> => ["leader", "follower"].includes((await modeOf(n)) ?? "");

export async function startEnsemble(prefix: string, clientPort = 12281): Promise<TestEnsemble> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-ensemble-"));
  const dirRemoved = removeOnExit(dir);
  const layout = { dir, libsDir: kafkaLibsDir() };
  const nodes: EnsembleNode[] = [1, 2, 3].map((id) => ({ id, address: `${prefix}.${id}`, clientPort }));
  const servers = nodes.map((n) => ({ id: n.id, host: n.address, peerPort: 12888, electionPort: 13888 }));
  const members = new Map<number, Member>();
  for (const n of nodes) {
    const dataDir = path.join(dir, `zookeeper-${n.id}`);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "myid"), `${n.id}\n`);
    const cfg = renderZooCfg({ dataDir, clientAddress: n.address, clientPort, servers });
    members.set(n.id, member(layout, `zookeeper-${n.id}`, "zookeeper", cfg, "128m"));
  }
  const node = (id: number): EnsembleNode => nodes.find((n) => n.id === id)!;
  const startNode = async (id: number): Promise<void> => {
    const m = members.get(id)!;
    m.child = m.start();
    await waitFor(() => inQuorum(node(id)), { timeoutMs: 60_000, what: `ZooKeeper ${id} in the quorum` });
  };
  const stopNode = (id: number, signal: NodeJS.Signals = "SIGTERM") => stopMember(members.get(id)!, signal, 10_000);
  for (const m of members.values()) m.child = m.start();
  await Promise.all(nodes.map((n) => waitFor(() => inQuorum(n), { timeoutMs: 90_000, what: `ZooKeeper ${n.id} up` })));
  return {
    nodes,
    connect: nodes.map((n) => `${n.address}:${n.clientPort}`).join(","),
    restart: async (id) => (await stopNode(id), await startNode(id)),
    stopNode,
    startNode,
    async stop() {
      await Promise.all([...members.values()].map((m) => stopMember(m, "SIGKILL", 5_000)));
      fs.rmSync(dir, { recursive: true, force: true });
      dirRemoved();
    },
  };
}
