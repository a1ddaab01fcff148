// The one interface every target implements (local, ssh, docker), and the one
// place that picks the implementation by the plan's target. KafkaCluster and
// the consumer service place their processes through it.
import type * as pulumi from "@pulumi/pulumi";
import type { FileContent } from "../../lib/file-content";
import type { ClusterPlan, PlannedBroker, PlannedHost, PlannedZooKeeperNode, TargetKind } from "../plan";
import { DockerTarget } from "./docker";
import { LocalTarget } from "./local";
import { SshTarget } from "./ssh";

/** Where a service reaches the cluster, and the address it listens on, as seen where it runs. */
export interface ServiceEndpoints {
  readonly bootstrapServers: string;
  readonly zookeeperConnect: string;
  readonly listenAddress: string;
}

/** A Node.js program run from one file: the consumer service. */
export interface ServiceSpec {
  readonly role: "service";
  /** Names its unit, container and directory, e.g. `consumer`. */
  readonly service: string;
  readonly host: PlannedHost;
  /** It is ready once this port accepts connections; docker publishes it on the host's address. */
  readonly port: number;
  /** A path that answers HTTP once it is up (docker's health check). */
  readonly healthPath: string;
  /** The program, one CommonJS file. */
  readonly script: FileContent;
  /** Node.js flags, e.g. heap limits. */
  readonly nodeFlags: readonly string[];
  /** Its settings, given the addresses it sees where it runs. */
  readonly env: (at: ServiceEndpoints) => Record<string, string>;
}

/**
 * Any other program already installed on the host (e.g. Prometheus), run
 * with files rendered into its work directory. Supported on the local
 * target only so far.
 */
export interface ProgramSpec {
  readonly role: "program";
  /** Names its directory and label, e.g. `prometheus`. */
  readonly program: string;
  readonly host: PlannedHost;
  /** It is ready once this port on the host's address accepts connections (and ours holds it). */
  readonly port: number;
  /** The executable's absolute path. */
  readonly command: string;
  /** Its arguments given its work directory; the last one must identify it (its config file). */
  readonly args: (workDir: string) => string[];
  /** Files written before start, by path relative to its work directory. */
  readonly files: (workDir: string) => Record<string, FileContent>;
}

/** One process to place: a ZooKeeper node or broker of the plan, a service or a program. */
export type ProcessSpec =
  | { readonly role: "zookeeper"; readonly node: PlannedZooKeeperNode }
  | { readonly role: "broker"; readonly broker: PlannedBroker }
  | ServiceSpec
  | ProgramSpec;

export type ProcessRole = ProcessSpec["role"];

/** What a change of a placed process's input does: applied to it running, a restart in place, or a new one. */
export type ChangeEffect = "live" | "restart" | "replace";

export interface ProcessNames {
  /** The Pulumi resource's name (part of its URN). */
  readonly resource: string;
  /** What the host calls it: its work directory (local), systemd unit (ssh) or container (docker). */
  readonly onHost: string;
}

export interface PlaceOptions {
  /** What must run first, e.g. every ZooKeeper node before a broker. */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface Target {
  readonly kind: TargetKind;
  /**
   * Makes the Kafka release available to the ZooKeeper nodes and brokers
   * placed after it: local checks the jars set-up cached; ssh installs the
   * release on each host; docker creates the network and pulls the images.
   * Only the cluster calls it; a service needs no Kafka release.
   */
  installRelease(): pulumi.Resource[];
  /** Places one process, a child of the target's parent; it exists once the process is ready. */
  place(spec: ProcessSpec, opts?: PlaceOptions): pulumi.CustomResource;
  names(spec: ProcessSpec): ProcessNames;
  /** What changing the placed resource's input `input` does on this target. */
  changeOf(input: string): ChangeEffect;
  /** What must be done once every broker is placed, before the cluster counts as ready (docker: its roll's last gate). */
  settle?(): pulumi.Resource[];
}

/** Whose processes a target places: resources are named after `name` and are children of `parent`. */
export interface TargetScope {
  readonly name: string;
  readonly parent: pulumi.Resource;
  /** ssh: each host's private key by host name (secrets). */
  readonly privateKeys?: Readonly<Record<string, pulumi.Input<string>>>;
  /** The stack's identity (StackIdentity): local and ssh processes write it in their `owner` markers. */
  readonly stackId?: pulumi.Input<string>;
}

export function createTarget(plan: ClusterPlan, scope: TargetScope): Target {
  switch (plan.target) {
    case "local":
      return new LocalTarget(plan, scope);
    case "ssh":
      return new SshTarget(plan, scope);
    case "docker":
      return new DockerTarget(plan, scope);
    default: {
      const never: never = plan.target;
      throw new Error(`unknown target ${String(never)}`);
    }
  }
}
