// How things placed on a target are named: labels in messages, work
// directories, systemd units, containers and Pulumi resources. Deployed
// stacks know these names (URNs, unit files, containers): keep them stable.
import * as path from "node:path";
import type { ProcessSpec } from "./target";

/** What the host calls the process's program: `zookeeper`, `kafka` or the service's name. */
export function programOf(spec: ProcessSpec): string {
  if (spec.role === "program") return spec.program;
  return spec.role === "zookeeper" ? "zookeeper" : spec.role === "broker" ? "kafka" : spec.service;
}

/** The name of the host it runs on. */
export function hostNameOf(spec: ProcessSpec): string {
  return spec.role === "zookeeper" ? spec.node.host : spec.role === "broker" ? spec.broker.host : spec.host.name;
}

/** e.g. `hadoop-nn zookeeper (myid 1)`, `hadoop-nn kafka broker 1`, `hadoop-nn consumer service`. */
export function processLabel(spec: ProcessSpec): string {
  const host = hostNameOf(spec);
  if (spec.role === "zookeeper") return `${host} zookeeper (myid ${spec.node.id})`;
  if (spec.role === "broker") return `${host} kafka broker ${spec.broker.id}`;
  if (spec.role === "program") return `${host} ${spec.program}`;
  return `${host} ${spec.service} service`;
}

/** Where a process on a host keeps its config, pid file and output. */
export function workDirOf(dataDir: string, spec: ProcessSpec): string {
  const host = hostNameOf(spec);
  if (spec.role === "service") return path.posix.join(dataDir, host, spec.service);
  if (spec.role === "program") return path.posix.join(dataDir, host, spec.program);
  return path.posix.join(dataDir, host, "run", programOf(spec));
}

/** The systemd unit (ssh): one per program and stack on a host. */
export function unitNameOf(stack: string, spec: ProcessSpec): string {
  return `kafka-cluster-${stack}-${programOf(spec)}`.replace(/[^A-Za-z0-9_.-]/g, "-");
}

/** The container, also its hostname on the docker network: a broker takes its host's name. */
export function containerNameOf(spec: ProcessSpec): string {
  const host = hostNameOf(spec);
  return spec.role === "broker" ? host : `${host}-${programOf(spec)}`;
}

/**
 * The Pulumi resource: `<scope>-zookeeper-<myid>` and `<scope>-broker-<id>`
 * on every target; a service's is `<scope>-<suffix>`, the suffix the target's
 * (process, service, container).
 */
export function resourceNameOf(scope: string, spec: ProcessSpec, serviceSuffix: string): string {
  if (spec.role === "zookeeper") return `${scope}-zookeeper-${spec.node.id}`;
  if (spec.role === "broker") return `${scope}-broker-${spec.broker.id}`;
  return `${scope}-${serviceSuffix}`;
}

/** A ZooKeeper node's or broker's data directory (local, ssh): `<scope>-zookeeper-<myid>-data`, `<scope>-broker-<id>-data`. */
export function dataResourceNameOf(scope: string, spec: ProcessSpec): string | undefined {
  return spec.role === "service" || spec.role === "program" ? undefined : `${resourceNameOf(scope, spec, "")}-data`;
}
