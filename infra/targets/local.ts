// The `local` target: each host is a loopback address on this machine; each
// ZooKeeper node, broker and service is a detached process with a pid file
// (LocalProcess). ZooKeeper and the brokers run the Kafka jars that
// scripts/setup.sh cached; a service runs on the Node.js running Pulumi.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { KAFKA_VERSION, kafkaLibsDirOf } from "../../lib/toolchain";
import type { ClusterPlan } from "../plan";
import { LocalDataDirectory } from "./local-data-directory";
import { LocalProcess } from "./local-process";
import { dataResourceNameOf, resourceNameOf, workDirOf } from "./names";
import { hostProcess } from "./process-files";
import { RESTART_KEYS } from "./process-spec";
import type { ChangeEffect, PlaceOptions, ProcessNames, ProcessSpec, Target, TargetScope } from "./target";

/** How long each process gets to become ready. */
const READY_TIMEOUT_MS = { zookeeper: 60_000, broker: 120_000, service: 60_000, program: 60_000 } as const;

export class LocalTarget implements Target {
  readonly kind = "local" as const;
  private libsDir: string | undefined;

  constructor(
    private readonly plan: ClusterPlan,
    private readonly scope: TargetScope,
    /** Directory of the Kafka jars of a version. Default: the set-up cache. */
    private readonly cachedLibsDir: (version: string) => string = kafkaLibsDirOf,
  ) {}

  /**
   * Nothing to install: the jars set-up cached must be there, for the version
   * the plan asks for. Another version than toolchain.json's is one that
   * `setup.sh --kafka-version` cached; a change of version rolls the processes
   * onto its jars (their classpath is a restart key).
   */
  installRelease(): pulumi.Resource[] {
    const version = this.plan.kafkaVersion;
    const libsDir = this.cachedLibsDir(version);
    if (!fs.existsSync(path.join(libsDir, ".complete"))) {
      const setup = version === KAFKA_VERSION ? "npm run setup" : `npm run setup -- --kafka-version ${version}`;
      throw new pulumi.RunError(
        `kafka-cluster:kafka.version: the local target runs the Kafka jars set-up cached, and ${version} is not ` +
          `in ${libsDir}: run '${setup}' first (toolchain.json pins ${KAFKA_VERSION}).`,
      );
    }
    this.libsDir = libsDir;
    return [];
  }

  place(spec: ProcessSpec, opts: PlaceOptions = {}): LocalProcess {
    // A service runs on the Node.js running this program (24, from the project's dev dependencies);
    // a program (Prometheus) on what this machine has installed.
    const inputs = hostProcess(this.plan, spec, { libsDir: this.libsDir, node: process.execPath });
    const stackId = this.scope.stackId === undefined ? {} : { stackId: this.scope.stackId };
    const dataName = dataResourceNameOf(this.scope.name, spec);
    // The data outlives the process: its own resource, made before and removed after it.
    const data = inputs.dirs.map(
      (dir) =>
        new LocalDataDirectory(
          dataName!,
          { label: inputs.label, path: dir, cleanupRoot: inputs.cleanupRoot, moveData: this.plan.moveData, ...stackId },
          { parent: this.scope.parent },
        ),
    );
    return new LocalProcess(
      this.names(spec).resource,
      {
        ...inputs,
        readyTimeoutMs: READY_TIMEOUT_MS[spec.role],
        ...stackId,
      },
      { parent: this.scope.parent, dependsOn: [...data, ...(opts.dependsOn ?? [])] },
    );
  }

  names(spec: ProcessSpec): ProcessNames {
    return { resource: resourceNameOf(this.scope.name, spec, "process"), onHost: workDirOf(this.plan.dataDir, spec) };
  }

  changeOf(input: string): ChangeEffect {
    return RESTART_KEYS.includes(input) ? "restart" : "replace";
  }
}
