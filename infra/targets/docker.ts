// The `docker` target: one network; each ZooKeeper node, broker and service a
// container named for its host, its data on a named volume and its ports
// published on the host's address. The containers run the rendered zoo.cfg
// and server.properties (infra/render-docker.ts); a service runs on the
// Node.js image.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan, DockerPlan } from "../plan";
import {
  ROLE_LABEL,
  brokerContainer,
  serviceContainer,
  zookeeperContainer,
  type ContainerSpec,
} from "../render-docker";
import { DockerRollChain } from "./docker-roll";
import { containerNameOf, resourceNameOf } from "./names";
import type { ChangeEffect, PlaceOptions, ProcessNames, ProcessSpec, ServiceSpec, Target, TargetScope } from "./target";

/** Seconds a broker gets for a controlled shutdown before Docker kills it. */
const STOP_GRACE_SECONDS = 60;

/** Pulls the images the plan names (`key` of DockerPlan), once per image. */
export class DockerImages {
  private readonly pulled = new Map<string, docker.RemoteImage>();
  constructor(
    private readonly name: string,
    private readonly plan: DockerPlan,
    private readonly parent: pulumi.Resource,
  ) {}

  get(key: ContainerSpec["image"]): docker.RemoteImage {
    let image = this.pulled.get(key);
    if (!image) {
      const resource = `${this.name}-${key.replace(/Image$/, "")}-image`;
      // keepLocally: another stack on the same engine may use the image too.
      image = new docker.RemoteImage(resource, { name: this.plan[key], keepLocally: true }, { parent: this.parent });
      this.pulled.set(key, image);
    }
    return image;
  }
}

export interface DockerContainerArgs {
  readonly spec: ContainerSpec;
  readonly image: docker.RemoteImage;
  readonly network: pulumi.Input<string>;
  readonly restart: DockerPlan["restart"];
  /** Extra container settings, e.g. a healthcheck. */
  readonly extra?: Partial<docker.ContainerArgs>;
}

/** One container and its volumes from a ContainerSpec. */
export function dockerContainer(
  args: DockerContainerArgs,
  opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
): docker.Container {
  const { spec } = args;
  const volumes = spec.volumes.map((v) => ({
    volume: new docker.Volume(v.resource, { name: v.volumeName }, { parent: opts.parent }),
    containerPath: v.containerPath,
  }));
  return new docker.Container(
    spec.resource,
    {
      name: spec.name,
      hostname: spec.name,
      image: args.image.imageId,
      ...(spec.command ? { command: spec.command } : {}),
      envs: spec.env,
      // Readable by the non-root users the images run as (appuser, zookeeper, node).
      uploads: Object.entries(spec.files).map(([file, content]) =>
        typeof content === "string"
          ? { file, content, permissions: "0644" }
          : { file, source: content.source, sourceHash: content.sha256, permissions: "0644" },
      ),
      ports: spec.ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip })),
      volumes: volumes.map((v) => ({ volumeName: v.volume.name, containerPath: v.containerPath })),
      networksAdvanced: [{ name: args.network, aliases: [spec.name] }],
      restart: args.restart,
      stopTimeout: STOP_GRACE_SECONDS,
      destroyGraceSeconds: STOP_GRACE_SECONDS,
      labels: [{ label: ROLE_LABEL, value: spec.label }],
      ...args.extra,
    },
    opts,
  );
}

/** A service runs as the image's `node` user and is up once its HTTP port answers. */
function serviceExtras(spec: ServiceSpec): Partial<docker.ContainerArgs> {
  // Any HTTP answer means the service is up, as the tcp check of the other targets.
  const probe = `fetch("http://127.0.0.1:${spec.port}${spec.healthPath}").then(() => process.exit(0), () => process.exit(1))`;
  return {
    user: "node",
    healthcheck: { tests: ["CMD", "node", "-e", probe], interval: "5s", timeout: "3s", retries: 3, startPeriod: "5s" },
    wait: true,
    waitTimeout: 60,
  };
}

export class DockerTarget implements Target {
  readonly kind = "docker" as const;
  private readonly settings: DockerPlan;
  private readonly images: DockerImages;
  private network: docker.Network | undefined;
  private readonly chain: DockerRollChain;
  /** The ensemble's last gate, once the first broker is placed. */
  private ensembleDone: pulumi.Resource[] | undefined;

  constructor(
    private readonly plan: ClusterPlan,
    private readonly scope: TargetScope,
  ) {
    if (!plan.docker) throw new Error(`DockerTarget: the plan is for target "${plan.target}"`);
    this.settings = plan.docker;
    this.images = new DockerImages(scope.name, plan.docker, scope.parent);
    this.chain = new DockerRollChain(plan, scope.name, scope.parent);
  }

  /** The network the cluster's containers share, and the Kafka and ZooKeeper images. */
  installRelease(): pulumi.Resource[] {
    const { name, parent } = this.scope;
    this.network = new docker.Network(`${name}-network`, { name: this.settings.network }, { parent });
    return [this.network, this.images.get("zookeeperImage"), this.images.get("kafkaImage")];
  }

  private containerSpec(spec: ProcessSpec): ContainerSpec {
    const resource = this.names(spec).resource;
    if (spec.role === "zookeeper") return zookeeperContainer(this.plan, spec.node, resource);
    if (spec.role === "broker") return brokerContainer(this.plan, spec.broker, resource);
    // The stack config refuses it first (stack/monitoring-plan.ts); this guards other callers.
    if (spec.role === "program") throw new pulumi.RunError(`${spec.program}: the docker target runs no programs yet`);
    return serviceContainer(this.plan, spec, resource);
  }

  /**
   * Brokers and ensemble nodes roll through gates (docker-roll.ts): each
   * container waits for the gate before it, which waits for the one before.
   */
  place(spec: ProcessSpec, opts: PlaceOptions = {}): docker.Container {
    const deps = opts.dependsOn ?? [];
    const kind = spec.role === "broker" || spec.role === "zookeeper" ? spec.role : undefined;
    if (!kind) return this.placeContainer(spec, opts);
    // Brokers wait for the ensemble's last gate: the quorum is whole before any broker is replaced.
    const id = spec.role === "broker" ? spec.broker.id : spec.role === "zookeeper" ? spec.node.id : 0;
    if (kind === "broker" && !this.ensembleDone) this.ensembleDone = this.chain.end("zookeeper");
    const extra = kind === "broker" ? (this.ensembleDone ?? []) : [];
    const gates = this.chain.before(kind, id, this.containerSpec(spec), [...deps, ...extra]);
    const container = this.placeContainer(spec, { ...opts, dependsOn: [...deps, ...extra, ...gates] });
    this.chain.placed(kind, id, container);
    return container;
  }

  /** The gate the last broker's container leads to: it waits for that broker and balances leadership. */
  settle(): pulumi.Resource[] {
    return this.chain.end("broker");
  }

  private placeContainer(spec: ProcessSpec, opts: PlaceOptions): docker.Container {
    const container = this.containerSpec(spec);
    return dockerContainer(
      {
        spec: container,
        image: this.images.get(container.image),
        // A service joins the cluster's network by name: the cluster made it.
        network: this.network?.name ?? this.settings.network,
        restart: this.settings.restart,
        ...(spec.role === "service" ? { extra: serviceExtras(spec) } : {}),
      },
      // A container's name and published ports are its own: the old one must go before the new one starts.
      { parent: this.scope.parent, dependsOn: opts.dependsOn ?? [], deleteBeforeReplace: true },
    );
  }

  names(spec: ProcessSpec): ProcessNames {
    return { resource: resourceNameOf(this.scope.name, spec, "container"), onHost: containerNameOf(spec) };
  }

  /**
   * The docker provider updates a container's restart policy in place (as
   * `docker update` does) and replaces it on any other change; its data stays
   * on its volumes.
   */
  changeOf(input: string): ChangeEffect {
    return input === "restart" ? "live" : "replace";
  }
}
