// The cluster a preview leaves: hosts, ZooKeeper ensemble, brokers and topics.
import { fileNamed, propertiesValue, roleOf, urnParts } from "./resources";
import { hostOf, inputsOf, topicRow, type PreviewStep, type Props, type TopicRow, type Topology } from "./preview-json";

/** Where a docker container is reached from the Docker host: its first published port. */
function published(p: Props): { address: string; port: number } | undefined {
  const port = (Array.isArray(p.ports) ? p.ports[0] : undefined) as { ip?: unknown; external?: unknown } | undefined;
  return typeof port?.ip === "string" && typeof port.external === "number"
    ? { address: port.ip, port: port.external }
    : undefined;
}

export function topology(steps: readonly PreviewStep[]): Topology {
  const hosts = new Map<string, { name: string; address: string; runs: string[] }>();
  const onHost = (host: string, address: string, what: string): void => {
    const h = hosts.get(host) ?? { name: host, address, runs: [] };
    h.runs.push(what);
    hosts.set(host, h);
  };
  const zookeeper: Array<Topology["zookeeper"][number]> = [];
  const brokers: Array<Topology["brokers"][number]> = [];
  const topics: TopicRow[] = [];
  for (const step of steps) {
    if (step.op === "delete" || step.op === "delete-replaced" || step.op === "discard-replaced") continue;
    const { type, name } = urnParts(step.urn);
    // A "same" step's new state carries no inputs: they are the old ones.
    const p = inputsOf(step.newState) ?? (step.op === "same" ? inputsOf(step.oldState) : undefined);
    if (!p) continue;
    const role = roleOf(type, name);
    const host = hostOf(p) ?? "?";
    const at = published(p);
    if (role.kind === "topic") topics.push(topicRow(p));
    else if (role.kind === "broker") {
      const listener = /^[A-Z_]+:\/\/(.*):(\d+)$/.exec(
        propertiesValue(fileNamed(p, "server.properties") ?? "", "listeners") ?? "",
      );
      const address = at?.address ?? listener?.[1] ?? "?";
      brokers.push({ id: role.id, host, address, port: at?.port ?? Number(listener?.[2] ?? NaN) });
      onHost(host, address, `broker ${role.id}`);
    } else if (role.kind === "zookeeper") {
      const cfg = fileNamed(p, "zoo.cfg") ?? "";
      const address = at?.address ?? propertiesValue(cfg, "clientPortAddress") ?? "?";
      zookeeper.push({
        id: role.id,
        host,
        address,
        clientPort: at?.port ?? Number(propertiesValue(cfg, "clientPort") ?? NaN),
      });
      onHost(host, address, `ZooKeeper ${role.id}`);
    }
  }
  const byId = <T extends { id: number }>(xs: T[]): T[] => [...xs].sort((a, b) => a.id - b.id);
  // Replacements appear twice (create-replacement, replace): keep one row each.
  const uniqueTopics = [...new Map(topics.map((t) => [t.name, t])).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const firstId = (h: { runs: string[] }): number =>
    Math.min(...h.runs.map((r) => Number(/\d+$/.exec(r)?.[0] ?? Infinity)));
  return {
    hosts: [...hosts.values()]
      .map((h) => ({ ...h, runs: [...new Set(h.runs)].sort() }))
      .sort((a, b) => firstId(a) - firstId(b) || a.name.localeCompare(b.name)),
    zookeeper: byId([...new Map(zookeeper.map((z) => [z.id, z])).values()]),
    brokers: byId([...new Map(brokers.map((b) => [b.id, b])).values()]),
    topics: uniqueTopics,
  };
}
