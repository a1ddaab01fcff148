// The `docker` target: one network; each ZooKeeper node and broker a container
// named for its host, with its data on a named volume and its ports published
// on the host's address. The containers run the rendered zoo.cfg and
// server.properties (infra/render-docker.ts).
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan, DockerPlan } from "../plan";
import { ROLE_LABEL, brokerContainers, zookeeperContainers, type ContainerSpec } from "../render-docker";

export interface DockerTargetArgs {
  readonly plan: ClusterPlan;
}

/** Seconds a broker gets for a controlled shutdown before Docker kills it. */
const STOP_GRACE_SECONDS = 60;

export interface DockerPlacement {
  /** The resources a ready check must wait for: every broker. */
  readonly brokers: pulumi.Resource[];
  readonly network: docker.Network;
}

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
export function dockerContainer(args: DockerContainerArgs, opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource }): docker.Container {
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
        typeof content === "string" ? { file, content, permissions: "0644" } : { file, source: content.source, sourceHash: content.sha256, permissions: "0644" },
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

export function placeDocker(name: string, args: DockerTargetArgs, parent: pulumi.Resource): DockerPlacement {
  const { plan } = args;
  if (!plan.docker) throw new Error(`placeDocker: the plan is for target "${plan.target}"`);
  const settings = plan.docker;
  const network = new docker.Network(`${name}-network`, { name: settings.network }, { parent });
  const images = new DockerImages(name, settings, parent);
  const place = (spec: ContainerSpec, dependsOn: pulumi.Resource[]): docker.Container =>
    dockerContainer({ spec, image: images.get(spec.image), network: network.name, restart: settings.restart }, { parent, dependsOn });

  const zookeeper = zookeeperContainers(plan, name).map((spec) => place(spec, []));
  // Brokers start after, and stop before, every ZooKeeper node.
  const brokers = brokerContainers(plan, name).map((spec) => place(spec, zookeeper));
  return { brokers, network };
}
