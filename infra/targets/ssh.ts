// The `ssh` target: real hosts reached over SSH. Each host gets the Kafka
// release (downloaded by the host or uploaded from here); each ZooKeeper
// node, broker and service is a systemd unit, or a plain process where the
// host has no systemd (RemoteProcess). A service runs on the host's `node`.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan, PlannedHost } from "../plan";
import { dataResourceNameOf, hostNameOf, resourceNameOf, unitNameOf } from "./names";
import { hostProcess } from "./process-files";
import { RemoteDataDirectory } from "./remote-data-directory";
import { RemoteKafkaInstall } from "./remote-install";
import { REMOTE_REPLACE_KEYS, REMOTE_RESTART_KEYS, RemoteProcess } from "./remote-process";
import type { SshConnection } from "./ssh-session";
import type { ChangeEffect, PlaceOptions, ProcessNames, ProcessSpec, Target, TargetScope } from "./target";

/** How long each process gets to become ready. */
const READY_TIMEOUT_MS = { zookeeper: 120_000, broker: 120_000, service: 60_000 } as const;

interface InstalledHost {
  readonly install: RemoteKafkaInstall;
  readonly libsDir: string;
}

export class SshTarget implements Target {
  readonly kind = "ssh" as const;
  private readonly connections = new Map<string, pulumi.Output<SshConnection>>();
  private readonly installed = new Map<string, InstalledHost>();

  constructor(
    private readonly plan: ClusterPlan,
    private readonly scope: TargetScope,
  ) {}

  /** The host's SSH connection, a secret: one per host, whatever runs there. */
  private connection(host: PlannedHost, runs: string): pulumi.Output<SshConnection> {
    let conn = this.connections.get(host.name);
    if (!conn) {
      const privateKey = this.scope.privateKeys?.[host.name];
      if (privateKey === undefined) {
        throw new pulumi.RunError(`kafka-cluster:hosts: no privateKey for ${host.name}, which runs ${runs}`);
      }
      const { address, port = 22, user = "root", hostKey } = host;
      // A pinned key is checked on every connection; only a host without one may skip the check.
      const verify = hostKey ? { hostKey } : { insecureIgnoreHostKey: this.plan.insecureIgnoreHostKey };
      conn = pulumi.secret(
        pulumi.output(privateKey).apply((key) => ({ host: address, port, user, privateKey: key, ...verify })),
      );
      this.connections.set(host.name, conn);
    }
    return conn;
  }

  private host(name: string): PlannedHost {
    const host = this.plan.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`host ${name} is not in the plan`);
    return host;
  }

  /** RemoteKafkaInstall per host: the release unpacked under the host's data directory. */
  installRelease(): pulumi.Resource[] {
    const { plan } = this;
    return plan.hosts.map((h) => {
      const kafkaHome = path.posix.join(plan.dataDir, h.name, `kafka_2.13-${plan.kafkaVersion}`);
      const install = new RemoteKafkaInstall(
        `${this.scope.name}-install-${h.name}`,
        {
          label: `${h.name} Kafka ${plan.kafkaVersion}`,
          connection: this.connection(h, "Kafka"),
          version: plan.kafkaVersion,
          source: plan.distribution,
          kafkaHome,
          cleanupRoot: plan.dataDir,
          ...(this.scope.stackId === undefined ? {} : { stackId: this.scope.stackId }),
        },
        { parent: this.scope.parent },
      );
      this.installed.set(h.name, { install, libsDir: `${kafkaHome}/libs` });
      return install;
    });
  }

  place(spec: ProcessSpec, opts: PlaceOptions = {}): RemoteProcess {
    // The stack config refuses it first (stack/monitoring-plan.ts); this guards other callers.
    if (spec.role === "program") throw new pulumi.RunError(`${spec.program}: the ssh target runs no programs yet`);
    const host = this.host(hostNameOf(spec));
    const installed = spec.role === "service" ? undefined : this.installed.get(host.name);
    const runs = spec.role === "service" ? `the ${spec.service} service` : "Kafka";
    const { label, ...inputs } = hostProcess(this.plan, spec, { libsDir: installed?.libsDir, node: "node" });
    const stackId = this.scope.stackId === undefined ? {} : { stackId: this.scope.stackId };
    const connection = this.connection(host, runs);
    // The data outlives the process: its own resource, made before and removed after it.
    const data = inputs.dirs.map(
      (dir) =>
        new RemoteDataDirectory(
          dataResourceNameOf(this.scope.name, spec)!,
          { label, connection, path: dir, cleanupRoot: inputs.cleanupRoot, moveData: this.plan.moveData, ...stackId },
          { parent: this.scope.parent },
        ),
    );
    return new RemoteProcess(
      this.names(spec).resource,
      {
        label,
        connection,
        unit: this.names(spec).onHost,
        serviceManager: this.plan.serviceManager,
        ...inputs,
        readyTimeoutMs: READY_TIMEOUT_MS[spec.role],
        ...stackId,
      },
      {
        parent: this.scope.parent,
        dependsOn: [...(installed ? [installed.install] : []), ...data, ...(opts.dependsOn ?? [])],
      },
    );
  }

  names(spec: ProcessSpec): ProcessNames {
    return { resource: resourceNameOf(this.scope.name, spec, "service"), onHost: unitNameOf(pulumi.getStack(), spec) };
  }

  changeOf(input: string): ChangeEffect {
    return !REMOTE_REPLACE_KEYS.includes(input) && REMOTE_RESTART_KEYS.includes(input) ? "restart" : "replace";
  }
}
