// The docker target's rolling restart as a chain in the resource graph
// (infra/roll/docker-gate.ts): gate -> container -> gate -> container ... for
// the brokers, and likewise for a three-node ensemble, each gate named after
// the container it leads to. A stack with `restarts: all-at-once` gets none.
import * as crypto from "node:crypto";
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterPlan } from "../plan";
import type { ContainerSpec } from "../render-docker";
import { DockerRollGate, type DockerRollGateInputs } from "../roll/docker-gate";
import { rollSpecOf } from "../roll/spec";

type Kind = "broker" | "zookeeper";
type Settings = Omit<DockerRollGateInputs, "after" | "before">;

const hashOf = (spec: ContainerSpec): string => crypto.createHash("sha256").update(JSON.stringify(spec)).digest("hex");

export class DockerRollChain {
  private readonly last = new Map<Kind, { id: number; container: docker.Container }>();

  constructor(
    private readonly plan: ClusterPlan,
    private readonly name: string,
    private readonly parent: pulumi.Resource,
  ) {}

  /** The gate's settings for this kind; undefined when it does not roll. */
  private settings(kind: Kind): Settings | undefined {
    const roll = rollSpecOf(this.plan, kind === "broker" ? { role: "broker", id: 0 } : { role: "zookeeper", id: 1 });
    if (roll?.kind === "broker") {
      const { zookeeperConnect, defaultMinIsr } = roll;
      return { zookeeperConnect, defaultMinIsr, timeoutMs: roll.gateTimeoutMs };
    }
    if (roll?.kind === "zookeeper") {
      return {
        zookeeperConnect: this.plan.zookeeperConnect,
        defaultMinIsr: 1,
        timeoutMs: roll.gateTimeoutMs,
        ensemble: [...roll.ensemble],
      };
    }
    return undefined;
  }

  private gate(
    kind: Kind,
    suffix: string,
    before: DockerRollGateInputs["before"],
    deps: readonly pulumi.Input<pulumi.Resource>[],
  ) {
    const settings = this.settings(kind);
    if (!settings) return [];
    const prev = this.last.get(kind);
    const after = prev ? { after: pulumi.output({ brokerId: prev.id, containerId: prev.container.id }) } : {};
    const prefix = kind === "broker" ? "roll-gate" : "zookeeper-roll-gate";
    return [
      new DockerRollGate(
        `${this.name}-${prefix}-${suffix}`,
        { ...settings, ...after, ...(before ? { before } : {}) },
        { parent: this.parent, dependsOn: [...deps, ...(prev ? [prev.container] : [])] },
      ),
    ];
  }

  /** The gate a container of `kind` (broker id or myid `id`) waits for. */
  before(
    kind: Kind,
    id: number,
    spec: ContainerSpec,
    deps: readonly pulumi.Input<pulumi.Resource>[],
  ): pulumi.Resource[] {
    return this.gate(kind, String(id), { brokerId: id, specHash: hashOf(spec) }, deps);
  }

  placed(kind: Kind, id: number, container: docker.Container): void {
    this.last.set(kind, { id, container });
  }

  /** The gate after the last container of `kind`: it waits for that one (brokers: then balances leadership). */
  end(kind: Kind): pulumi.Resource[] {
    return this.last.has(kind) ? this.gate(kind, "last", undefined, []) : [];
  }
}
