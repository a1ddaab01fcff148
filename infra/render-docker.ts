// Pure: the docker target's containers from the plan. Each ZooKeeper node and
// broker is a container on one network, running the same zoo.cfg and
// server.properties as the other targets (infra/render.ts), uploaded into it.
import type { ClusterPlan, DockerPlan, PlannedBroker, PlannedZooKeeperNode } from "./plan";
import { renderEnvFile, renderNodeArgs, renderServerProperties, renderZooCfg } from "./render";
import type { FileContent } from "../lib/file-content";
import { containerNameOf, processLabel, resourceNameOf } from "./targets/names";
import type { ServiceSpec } from "./targets/target";

/** Where rendered config goes inside a broker container (the apache/kafka image layout runs it). */
export const KAFKA_CONFIG_FILE = "/etc/kafka-cluster/server.properties";
/** The official zookeeper image reads its configuration from /conf (ZOO_CONF_DIR). */
export const ZOOKEEPER_CONFIG_FILE = "/conf/zoo.cfg";
/** The docker label a container carries ContainerSpec.label in (ci/resources.ts reads it). */
export const ROLE_LABEL = "org.kafka-cluster.role";
const KAFKA_START = "/opt/kafka/bin/kafka-server-start.sh";

export interface ContainerSpec {
  /** The Pulumi resource name, e.g. `kafka-broker-1`. */
  readonly resource: string;
  /** Container name and hostname on the network, e.g. `hadoop-nn`. */
  readonly name: string;
  readonly label: string;
  readonly image: keyof Pick<DockerPlan, "kafkaImage" | "zookeeperImage" | "nodeImage">;
  /** Replaces the image's CMD; undefined keeps it. */
  readonly command?: string[];
  /** KEY=value */
  readonly env: string[];
  /** Files uploaded before the container starts: path -> content. */
  readonly files: Readonly<Record<string, FileContent>>;
  /** Published ports: `ip:external` on the Docker host -> `internal` in the container. */
  readonly ports: ReadonlyArray<{ readonly ip: string; readonly external: number; readonly internal: number }>;
  /** Named volumes: Docker volume name -> mount path. */
  readonly volumes: ReadonlyArray<{
    readonly resource: string;
    readonly volumeName: string;
    readonly containerPath: string;
  }>;
}

function dockerOf(plan: ClusterPlan): DockerPlan {
  if (!plan.docker) throw new Error(`the plan is for target "${plan.target}", not "docker"`);
  return plan.docker;
}

/** A ZooKeeper node's container hostname: it shares the host's name with that host's broker. */
export function zookeeperHostname(z: PlannedZooKeeperNode): string {
  return containerNameOf({ role: "zookeeper", node: z });
}

/** The container port of a broker's EXTERNAL listener: any port other than the internal one. */
export function externalListenerPort(b: PlannedBroker): number {
  return b.port === 9093 ? 9094 : 9093;
}

/** Connection strings inside the network (the consumer container uses these). */
export function dockerEndpoints(plan: ClusterPlan): { zookeeperConnect: string; bootstrapServers: string } {
  return {
    zookeeperConnect: plan.zookeeper.map((z) => `${zookeeperHostname(z)}:${z.clientPort}`).join(","),
    bootstrapServers: plan.brokers.map((b) => `${b.host}:${b.port}`).join(","),
  };
}

/** A ZooKeeper node's container; `resource` names it and its data volume in Pulumi. */
export function zookeeperContainer(plan: ClusterPlan, z: PlannedZooKeeperNode, resource: string): ContainerSpec {
  const docker = dockerOf(plan);
  const cfg = renderZooCfg({
    dataDir: z.dataDir,
    // Clients come through the network and the published port alike.
    clientAddress: "0.0.0.0",
    clientPort: z.clientPort,
    servers: plan.zookeeper.map((n) => ({
      id: n.id,
      host: zookeeperHostname(n),
      peerPort: n.peerPort,
      electionPort: n.electionPort,
    })),
  });
  return {
    resource,
    name: zookeeperHostname(z),
    label: processLabel({ role: "zookeeper", node: z }),
    image: "zookeeperImage",
    // The image's entrypoint writes myid from ZOO_MY_ID into ZOO_DATA_DIR, and keeps an existing zoo.cfg.
    env: [`ZOO_MY_ID=${z.id}`, `ZOO_DATA_DIR=${z.dataDir}`, "ZK_SERVER_HEAP=256"],
    files: { [ZOOKEEPER_CONFIG_FILE]: cfg },
    ports: [{ ip: z.address, external: z.clientPort, internal: z.clientPort }],
    volumes: [
      {
        resource: `${resource}-data`,
        volumeName: `${docker.network}-${z.host}-zookeeper-data`,
        containerPath: z.dataDir,
      },
    ],
  };
}

/** A broker's container; `resource` names it and its log volume in Pulumi. */
export function brokerContainer(plan: ClusterPlan, b: PlannedBroker, resource: string): ContainerSpec {
  const docker = dockerOf(plan);
  const props = renderServerProperties({
    id: b.id,
    host: b.host,
    port: b.port,
    zookeeperConnect: dockerEndpoints(plan).zookeeperConnect,
    logDir: b.logDir,
    settings: plan.brokerSettings,
    // Clients outside the network reach each broker on its host's address and kafka.port.
    external: {
      bind: { host: "0.0.0.0", port: externalListenerPort(b) },
      advertised: { host: b.address, port: b.port },
    },
  });
  return {
    resource,
    name: containerNameOf({ role: "broker", broker: b }),
    label: processLabel({ role: "broker", broker: b }),
    image: "kafkaImage",
    command: [KAFKA_START, KAFKA_CONFIG_FILE],
    env: [`KAFKA_HEAP_OPTS=-Xms256m -Xmx${plan.heap}`],
    files: { [KAFKA_CONFIG_FILE]: props },
    ports: [{ ip: b.address, external: b.port, internal: externalListenerPort(b) }],
    volumes: [
      { resource: `${resource}-logs`, volumeName: `${docker.network}-${b.host}-kafka-logs`, containerPath: b.logDir },
    ],
  };
}

/**
 * A service's container beside the brokers, on the Node.js image, with the
 * in-network addresses; its port is published on its host's address, so it
 * answers there as on the other targets.
 */
export function serviceContainer(plan: ClusterPlan, spec: ServiceSpec, resource: string): ContainerSpec {
  const inNetwork = dockerEndpoints(plan);
  const env = spec.env({ ...inNetwork, listenAddress: "0.0.0.0" });
  const envFile = `/app/${spec.service}.env`;
  const script = `/app/${spec.service}.js`;
  return {
    resource,
    name: containerNameOf(spec),
    label: processLabel(spec),
    image: "nodeImage",
    command: ["node", ...renderNodeArgs(spec.nodeFlags, envFile, script)],
    env: [],
    files: { [envFile]: renderEnvFile(env, `${spec.service} service`), [script]: spec.script },
    ports: [{ ip: spec.host.address, external: spec.port, internal: spec.port }],
    volumes: [],
  };
}

export function zookeeperContainers(plan: ClusterPlan, name: string): ContainerSpec[] {
  return plan.zookeeper.map((node) =>
    zookeeperContainer(plan, node, resourceNameOf(name, { role: "zookeeper", node }, "container")),
  );
}

export function brokerContainers(plan: ClusterPlan, name: string): ContainerSpec[] {
  return plan.brokers.map((broker) =>
    brokerContainer(plan, broker, resourceNameOf(name, { role: "broker", broker }, "container")),
  );
}
