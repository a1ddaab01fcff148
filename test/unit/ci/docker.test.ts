// The docker target's resources as the preview summary (ci/summary.ts) and
// the policy pack (policy/rules.ts) see them: `@pulumi/docker` containers
// named `<cluster>-broker-<id>` / `<cluster>-zookeeper-<myid>`, their config
// in `uploads`, their host in a label, their data on volumes. The container
// states are built from the real ContainerSpecs (infra/render-docker.ts) in
// the shape the docker provider reports them.
import { describe, expect, it } from "vitest";
import { TYPES, fileNamed, labelOf, roleOf } from "../../../ci/resources";
import { renderMarkdown, summarize, type PreviewStep } from "../../../ci/summary";
import { planCluster } from "../../../infra/plan";
import {
  KAFKA_CONFIG_FILE,
  ROLE_LABEL,
  brokerContainers,
  zookeeperContainers,
  type ContainerSpec,
} from "../../../infra/render-docker";
import { brokerViolations, durabilityViolations, type StackResource } from "../../../policy/rules";

const HOSTS = [
  { name: "hadoop-nn", address: "127.0.60.1" },
  { name: "hadoop-dn1", address: "127.0.60.2" },
  { name: "hadoop-dn2", address: "127.0.60.3" },
];
const CTX = { defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/unused" };
const URN = "urn:pulumi:docker::kafka-cluster::";
const CLUSTER = "kafka-cluster:infra:KafkaCluster";
const CONSUMER = "kafka-cluster:consumer:ConsumerService";

const plan = (config: Record<string, unknown> = {}) => planCluster({ target: "docker", hosts: HOSTS, ...config }, CTX);

/** A container's inputs as the docker provider reports them (with its defaults filled in). */
function containerInputs(spec: ContainerSpec, network = "kafka-cluster"): Record<string, unknown> {
  return {
    name: spec.name,
    hostname: spec.name,
    image: `sha256:${spec.image}`,
    ...(spec.command ? { command: spec.command } : {}),
    envs: spec.env,
    uploads: Object.entries(spec.files).map(([file, content]) => ({
      content,
      executable: false,
      file,
      permissions: "0644",
    })),
    ports: spec.ports.map((p) => ({ external: p.external, internal: p.internal, ip: p.ip, protocol: "tcp" })),
    volumes: spec.volumes.map((v) => ({ containerPath: v.containerPath, volumeName: v.volumeName })),
    networksAdvanced: [{ aliases: [spec.name], name: network }],
    restart: "unless-stopped",
    stopTimeout: 60,
    destroyGraceSeconds: 60,
    labels: [{ label: ROLE_LABEL, value: spec.label }],
  };
}

const consumerInputs = (env: string): Record<string, unknown> => ({
  name: "hadoop-nn-consumer",
  image: "sha256:nodeImage",
  uploads: [
    { content: env, executable: false, file: "/app/consumer.env", permissions: "0644" },
    { content: "// the service bundle", executable: false, file: "/app/consumer.js", permissions: "0644" },
  ],
  ports: [{ external: 8080, internal: 8080, ip: "127.0.60.1", protocol: "tcp" }],
  labels: [{ label: ROLE_LABEL, value: "hadoop-nn consumer service" }],
});

const containerUrn = (name: string, parent = CLUSTER): string => `${URN}${parent}$${TYPES.dockerContainer}::${name}`;
const volumeUrn = (name: string): string => `${URN}${CLUSTER}$${TYPES.dockerVolume}::${name}`;

/** A preview step of a custom resource: `same` carries only the old inputs, as in `pulumi preview --json`. */
function step(
  op: string,
  urn: string,
  type: string,
  olds: Record<string, unknown> | undefined,
  news: Record<string, unknown> | undefined,
): PreviewStep {
  return {
    op,
    urn,
    ...(olds ? { oldState: { type, custom: true, inputs: olds, outputs: olds } } : {}),
    ...(news || op === "same" ? { newState: { type, custom: true, ...(news ? { inputs: news } : {}) } } : {}),
  };
}

/** The docker stack's containers and volumes, each step `op` from `before` to `after`. */
function dockerSteps(
  before: ReturnType<typeof plan>,
  after: ReturnType<typeof plan>,
  op: (resource: string) => string,
): PreviewStep[] {
  const specs = (p: ReturnType<typeof plan>) => [...zookeeperContainers(p, "kafka"), ...brokerContainers(p, "kafka")];
  const [olds, news] = [specs(before), specs(after)];
  return olds.flatMap((spec, i) => {
    const next = news[i]!;
    const o = op(spec.resource);
    return [
      step(
        o,
        containerUrn(spec.resource),
        TYPES.dockerContainer,
        containerInputs(spec, before.docker!.network),
        o === "same" ? undefined : containerInputs(next, after.docker!.network),
      ),
      ...spec.volumes.map((v, j) => {
        const vo = op(v.resource);
        return step(
          vo,
          volumeUrn(v.resource),
          TYPES.dockerVolume,
          { name: v.volumeName },
          vo === "same" ? undefined : { name: next.volumes[j]!.volumeName },
        );
      }),
    ];
  });
}

const lines = (steps: PreviewStep[]): string[] =>
  summarize({ steps }).changes.map((c) => `${c.impact} | ${c.resource} | ${c.what}`);

describe("the docker target's resources", () => {
  it("tells broker and ZooKeeper containers by name, with their ids; the consumer container and volumes are other", () => {
    expect(roleOf(TYPES.dockerContainer, "kafka-broker-2")).toEqual({ kind: "broker", id: 2 });
    expect(roleOf(TYPES.dockerContainer, "kafka-zookeeper-3")).toEqual({ kind: "zookeeper", id: 3 });
    expect(roleOf(TYPES.dockerContainer, "consumer-container")).toEqual({ kind: "other" });
    expect(roleOf(TYPES.dockerVolume, "kafka-broker-2-logs")).toEqual({ kind: "other" });
    expect(roleOf("docker:index/remoteImage:RemoteImage", "kafka-kafka-image")).toEqual({ kind: "other" });
  });

  it("reads a container's config from its uploads and its host from its role label", () => {
    const spec = brokerContainers(plan(), "kafka")[1]!;
    const inputs = containerInputs(spec);
    expect(fileNamed(inputs, "server.properties")).toBe(spec.files[KAFKA_CONFIG_FILE]);
    expect(fileNamed(inputs, "zoo.cfg")).toBeUndefined();
    expect(labelOf(inputs)).toBe("hadoop-dn1 kafka broker 2");
    expect(labelOf({ labels: [{ label: "maintainer", value: "someone" }] })).toBeUndefined();
    // The other targets' processes keep theirs in `files` and `label`.
    expect(fileNamed({ files: { "/d/run/kafka/server.properties": "broker.id=1\n" } }, "server.properties")).toBe(
      "broker.id=1\n",
    );
    expect(labelOf({ label: "hadoop-nn kafka broker 1" })).toBe("hadoop-nn kafka broker 1");
  });
});

describe("preview summary of a docker stack", () => {
  it("marks a broker setting disruptive: each broker container is replaced on its data volume, naming the setting", () => {
    const steps = dockerSteps(plan(), plan({ kafka: { brokerConfig: { "log.retention.hours": 72 } } }), (r) =>
      /^kafka-broker-\d$/.test(r) ? "replace" : "same",
    );
    expect(lines(steps)).toEqual(
      HOSTS.map(
        (h, i) =>
          `disruptive | broker ${i + 1} (${h.name}) | replaced: stopped and started again on its data volume (server.properties: log.retention.hours=72 (new))`,
      ),
    );
  });

  it("marks new ZooKeeper ports disruptive for every container, and shows the published addresses in the topology", () => {
    const steps = dockerSteps(plan(), plan({ zookeeper: { clientPort: 2182 } }), (r) =>
      /-\d$/.test(r) ? "replace" : "same",
    );
    const s = summarize({ steps });
    expect(s.changes.every((c) => c.impact === "disruptive")).toBe(true);
    expect(s.changes.find((c) => c.resource === "ZooKeeper 1 (hadoop-nn)")?.what).toBe(
      "replaced: stopped and started again on its data volume (zoo.cfg: clientPort 2181 → 2182)",
    );
    expect(s.changes.find((c) => c.resource === "broker 3 (hadoop-dn2)")?.what).toBe(
      "replaced: stopped and started again on its data volume (server.properties: zookeeper.connect hadoop-nn-zookeeper:2181,hadoop-dn1-zookeeper:2181,hadoop-dn2-zookeeper:2181 → hadoop-nn-zookeeper:2182,hadoop-dn1-zookeeper:2182,hadoop-dn2-zookeeper:2182)",
    );
    expect(renderMarkdown(s, { stack: "docker" })).toContain(`| host | address | runs |
|---|---|---|
| hadoop-nn | 127.0.60.1 | ZooKeeper 1, broker 1 |
| hadoop-dn1 | 127.0.60.2 | ZooKeeper 2, broker 2 |
| hadoop-dn2 | 127.0.60.3 | ZooKeeper 3, broker 3 |

ZooKeeper ensemble (3 nodes): 1: hadoop-nn 127.0.60.1:2182, 2: hadoop-dn1 127.0.60.2:2182, 3: hadoop-dn2 127.0.60.3:2182

Brokers (3): 1: hadoop-nn 127.0.60.1:9092, 2: hadoop-dn1 127.0.60.2:9092, 3: hadoop-dn2 127.0.60.3:9092
`);
  });

  it("marks a volume replaced or deleted destructive, the container on it disruptive", () => {
    const renamed = dockerSteps(plan(), plan({ docker: { network: "tutorial" } }), (r) =>
      r === "kafka-broker-1" || r === "kafka-broker-1-logs" ? "replace" : "same",
    );
    expect(lines(renamed)).toEqual([
      "destructive | volume `tutorial-hadoop-nn-kafka-logs` | replaced: removed with its data, created empty",
      "disruptive | broker 1 (hadoop-nn) | replaced: stopped and started again on its data volume (volumes, networksAdvanced changed)",
    ]);
    const gone = dockerSteps(plan(), plan(), (r) => (r.startsWith("kafka-zookeeper-3") ? "delete" : "same"));
    expect(lines(gone)).toEqual([
      "destructive | volume `kafka-cluster-hadoop-dn2-zookeeper-data` | removed with its data",
      "disruptive | ZooKeeper 3 (hadoop-dn2) | stopped (its data stays on its volume)",
    ]);
  });

  it("names the consumer container by its label; a new one starts safely", () => {
    const urn = containerUrn("consumer-container", CONSUMER);
    expect(
      lines([
        step("replace", urn, TYPES.dockerContainer, consumerInputs("GROUP_ID=a\n"), consumerInputs("GROUP_ID=b\n")),
      ]),
    ).toEqual(["disruptive | hadoop-nn consumer service | replaced: stopped and started again (uploads changed)"]);
    expect(lines([step("create", urn, TYPES.dockerContainer, undefined, consumerInputs("GROUP_ID=a\n"))])).toEqual([
      "safe | hadoop-nn consumer service | starts",
    ]);
  });
});

describe("policy rules on a docker stack", () => {
  /** The stack's resources as the policy runtime passes them: brokers, ZooKeeper, the readiness check. */
  const resources = (p: ReturnType<typeof plan>, brokerIds = p.brokers.map((b) => b.id)): StackResource[] => [
    ...[...zookeeperContainers(p, "kafka"), ...brokerContainers(p, "kafka")].map((spec) => ({
      type: TYPES.dockerContainer,
      urn: containerUrn(spec.resource),
      name: spec.resource,
      props: containerInputs(spec),
    })),
    {
      type: TYPES.clusterReady,
      urn: `${URN}${CLUSTER}$${TYPES.clusterReady}::kafka-ready`,
      name: "kafka-ready",
      props: { brokerIds },
    },
  ];
  const topic: StackResource = {
    type: TYPES.topic,
    urn: `${URN}${TYPES.topic}::Hello-Kafka`,
    name: "Hello-Kafka",
    props: { name: "Hello-Kafka", partitions: 3, replicationFactor: 3, config: {} },
  };

  it("takes min.insync.replicas from the broker containers' uploaded server.properties", () => {
    expect(durabilityViolations([topic, ...resources(plan())])).toEqual([]);
    const weak = durabilityViolations([
      topic,
      ...resources(plan({ kafka: { brokerConfig: { "min.insync.replicas": 1 } } })),
    ]);
    expect(weak.map((v) => v.message)).toEqual([
      expect.stringContaining("min.insync.replicas 1 (the brokers' default) is below 2"),
    ]);
  });

  it("counts the docker cluster's brokers", () => {
    expect(brokerViolations(resources(plan()))).toEqual([]);
    expect(brokerViolations(resources(plan(), [1, 2])).map((v) => v.message)).toEqual([
      expect.stringContaining("the cluster has 2 broker(s), fewer than 3"),
    ]);
  });
});
