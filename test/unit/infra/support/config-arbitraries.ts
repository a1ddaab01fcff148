// fast-check generators of stack configs the plan accepts (every target),
// and the files a plan renders per ZooKeeper node and broker: shared by the
// plan's and the renderers' property tests.
import fc from "fast-check";
import type { ClusterPlan } from "../../../../infra/plan";
import { brokerContainers, zookeeperContainers } from "../../../../infra/render-docker";
import { brokerProcess, zookeeperProcess } from "../../../../infra/targets/process-files";

/** A host's public key (ssh-keygen -t ed25519), as hosts[].hostKey takes it. */
export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXtNsDjzlyhGjttjyLfWzrMRsZ0eIHIXrDp4h+qnXko";
export const RESERVED = ["broker.id", "listeners", "advertised.listeners", "log.dirs", "zookeeper.connect"];

/** Printable text, including what .properties files treat specially; no control characters (the plan refuses them). */
export const text = (maxLength = 12) =>
  fc.string({
    maxLength,
    unit: fc.oneof(
      fc.constantFrom("\\", "=", ":", " ", "#", "!", "é", "€", "😀", "%", "$", '"', "'", ";"),
      // eslint-disable-next-line no-control-regex -- refused by the plan, so never generated here
      fc.string({ minLength: 1, maxLength: 1, unit: "grapheme" }).filter((c) => !/[\x00-\x1f\x7f]/.test(c)),
    ),
  });

/** Text built of what breaks files and commands: control characters, separators, quotes, expansions. */
export const hostileText = (maxLength = 12) =>
  fc.string({
    maxLength,
    unit: fc.oneof(
      fc.constantFrom("\n", "\r", "\t", "\f", "\u0000", "\u007f", "\u001b", "=", ":", "#", " ", ",", "/", ".", ".."),
      fc.constantFrom("%h", "$HOME", "$(id)", "`id`", '"', "'", ";", "\\", "broker.id", "User=root", "[Service]"),
      fc.stringMatching(/^[a-z0-9._-]{1,4}$/),
    ),
  });

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
const octet = fc.integer({ min: 0, max: 255 });
const loopback = fc.tuple(octet, octet, octet).map(([a, b, c]) => `127.${a}.${b}.${c}`);
const ipv4 = fc
  .oneof(
    fc.tuple(octet, octet, octet, octet).map((o) => o.join(".")),
    fc.constantFrom("255.255.255.255", "10.0.0.1", "1.0.0.0"),
  )
  .filter((a) => a !== "0.0.0.0");
const hostname = fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join("."));
const port = fc.integer({ min: 1, max: 65535 });
/** POSIX user names, up to the 32 characters allowed. */
const user = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,30}[$]?$/);

export type Target = "local" | "ssh" | "docker";

function hostsFor(target: Target) {
  const address = target === "local" ? loopback : target === "docker" ? ipv4 : fc.oneof(ipv4, hostname);
  const host = fc.record({ name: label, address }, { requiredKeys: ["name", "address"] });
  return fc
    .uniqueArray(host, { minLength: 3, maxLength: 3, selector: (h) => h.name })
    .filter((hs) => new Set(hs.map((h) => h.address)).size === 3)
    .chain((hs) =>
      target === "ssh"
        ? fc.tuple(
            ...hs.map((h) =>
              fc
                .record({
                  user,
                  privateKey: fc.constant("KEY"),
                  hostKey: fc.constant(HOST_KEY),
                  port: fc.option(port, { nil: undefined }),
                })
                .map((x) => ({ ...h, ...x })),
            ),
          )
        : fc.constant(hs),
    );
}

/** Kafka's setting-name grammar: dot-separated words of [a-z0-9_-]. */
const settingKey = fc
  .array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { minLength: 1, maxLength: 4 })
  .map((words) => words.join("."))
  .filter((k) => k !== "__proto__" && !RESERVED.includes(k));

/** brokerConfig: any key Kafka's grammar allows, with values that must survive the file. */
const brokerConfig = fc.dictionary(settingKey, fc.oneof(text(20), fc.integer(), fc.boolean()), { maxKeys: 4 });

/** Absolute, normalized paths of the characters dataDir allows. */
const dataDir = fc
  .array(
    fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/).filter((s) => s !== "." && s !== ".."),
    { minLength: 1, maxLength: 4 },
  )
  .map((segments) => `/${segments.join("/")}`);

/** A valid stack config for the cluster's keys. */
export const validConfig = fc.constantFrom<Target>("local", "ssh", "docker").chain((target) =>
  fc
    .record({
      hosts: hostsFor(target),
      zookeeperShape: fc.constantFrom("all", "one", "three"),
      ports: fc.uniqueArray(port, { minLength: 4, maxLength: 4 }),
      heap: fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom("m", "g")).map(([n, u]) => `${n}${u}`),
      brokerConfig,
      dataDir: fc.option(dataDir, { nil: undefined }),
    })
    .map(({ hosts, zookeeperShape, ports, heap, brokerConfig, dataDir }) => ({
      target,
      hosts,
      zookeeper: {
        ...(zookeeperShape === "one"
          ? { nodes: [hosts[1]!.name] }
          : zookeeperShape === "three"
            ? { nodes: hosts.map((h) => h.name).reverse() }
            : {}),
        clientPort: ports[0],
        peerPort: ports[1],
        electionPort: ports[2],
      },
      kafka: { port: ports[3], heap, brokerConfig },
      ...(dataDir !== undefined && target !== "docker" ? { dataDir } : {}),
    })),
);

/** The files each ZooKeeper node and broker runs with on the plan's target. */
export function renderedFiles(plan: ClusterPlan): { zooCfg: string[]; serverProperties: string[] } {
  if (plan.target === "docker") {
    return {
      zooCfg: zookeeperContainers(plan, "k").map((c) => c.files["/conf/zoo.cfg"] as string),
      serverProperties: brokerContainers(plan, "k").map(
        (c) => c.files["/etc/kafka-cluster/server.properties"] as string,
      ),
    };
  }
  const pick = (files: Record<string, unknown>, name: string) =>
    Object.entries(files).find(([f]) => f.endsWith(`/${name}`))![1] as string;
  return {
    zooCfg: plan.zookeeper.map((z) => pick(zookeeperProcess(plan, z, "/libs").files, "zoo.cfg")),
    serverProperties: plan.brokers.map((b) => pick(brokerProcess(plan, b, "/libs").files, "server.properties")),
  };
}
