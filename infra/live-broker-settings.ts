// LiveBrokerSettings: the broker settings Kafka changes at run time
// (infra/live-settings.ts), applied to every broker through the admin API
// with no restart, read back, and reverted when no longer declared.
//
// Serialized by Pulumi like ClusterReady, not bundled like KafkaTopic: one
// resource per cluster keeps state small either way, and a serialized
// provider deletes (reverts) without any build on the machine; what it calls
// (infra/live-apply.ts, lib/kafkajs, lib/poll) requires inside functions.
import * as pulumi from "@pulumi/pulumi";
import {
  alterBroker,
  defaultsToPin,
  describeBroker,
  sameValue,
  undeclared,
  verifyBroker,
  withAdmin,
} from "./live-apply";
import type { LiveTarget, Settings } from "./live-apply";
import { threadPoolProblems } from "./live-settings";

export interface LiveBrokerSettingsInputs extends LiveTarget {
  /** Setting -> value, each one Kafka updates at run time for the whole cluster. */
  readonly settings: Record<string, string>;
}

export interface LiveBrokerSettingsOutputs extends LiveBrokerSettingsInputs {
  /**
   * Kafka's defaults set live for keys no longer declared that a broker still
   * held from the server.properties it started with, until its next restart.
   */
  readonly pinned: Record<string, string>;
  /** Live settings found on a broker that the stack did not declare, erased by the last apply. */
  readonly erased: Record<string, string[]>;
}

/**
 * Sends `settings` to every broker, keeps Kafka's default live for each of
 * `removed` a broker still holds from its start, and verifies it all. Each
 * broker gets the whole set: AlterConfigs keeps only what it is sent.
 */
async function apply(t: LiveBrokerSettingsInputs, removed: readonly string[]) {
  return withAdmin(t.bootstrapServers, async (admin) => {
    const before = new Map(
      await Promise.all(t.brokerIds.map(async (id) => [id, await describeBroker(admin, id)] as const)),
    );
    const pinned: Record<string, string> = {};
    for (const seen of before.values()) Object.assign(pinned, defaultsToPin(seen, removed));
    const sent: Settings = { ...pinned, ...t.settings };
    const gone = removed.filter((k) => !(k in pinned));
    const erased: Record<string, string[]> = {};
    for (const [id, seen] of before) {
      const keys = undeclared(seen, sent, gone);
      if (keys.length === 0) continue;
      erased[String(id)] = keys;
      console.warn(
        `broker ${id}: live settings not declared by this stack are erased (Kafka's AlterConfigs keeps only what it is sent): ${keys.join(", ")}; declare them in kafka.brokerConfig to keep them`,
      );
    }
    for (const id of t.brokerIds) await alterBroker(admin, id, sent);
    for (const id of t.brokerIds) await verifyBroker(admin, id, sent, gone, t.timeoutMs);
    return { pinned, erased };
  });
}

/** Removes every live setting from every broker, best effort: a broker that is down keeps them (`destroy` must finish). */
async function revertAll(t: LiveBrokerSettingsInputs): Promise<void> {
  try {
    await withAdmin(t.bootstrapServers, async (admin) => {
      for (const id of t.brokerIds) {
        await alterBroker(admin, id, {}).catch((err: Error) => console.warn(`${err.message}; left as it is`));
      }
    });
  } catch (err) {
    console.warn(`live broker settings not reverted (${(err as Error).message}): the cluster did not answer`);
  }
}

/**
 * What the brokers hold live now, for `pulumi refresh`: a setting counts when
 * every broker holds it with one value; one changed or removed by hand on any
 * broker drops out, so the next `up` sends the declared set again. The
 * defaults the resource pinned are its own, not settings. A cluster that does
 * not answer leaves the state as it was.
 */
async function readLive(props: LiveBrokerSettingsOutputs): Promise<LiveBrokerSettingsOutputs> {
  try {
    return await withAdmin(props.bootstrapServers, async (admin) => {
      const held: Record<string, string>[] = [];
      for (const id of props.brokerIds) {
        const live = [...(await describeBroker(admin, id)).values()].filter((e) => e.configSource === 2);
        held.push(Object.fromEntries(live.map((e) => [e.configName, String(e.configValue)])));
      }
      const [first = {}, ...rest] = held;
      const pinned = props.pinned ?? {};
      const declared = props.settings ?? {};
      const settings = Object.fromEntries(
        Object.entries(first)
          .filter(([k, v]) => rest.every((h) => h[k] === v) && pinned[k] !== v)
          // As declared when Kafka only wrote it its own way ("a, b" as "a,b"): no change to apply.
          .map(([k, v]) => [k, k in declared && sameValue(v, declared[k]) ? declared[k] : v]),
      );
      return { ...props, settings };
    });
  } catch (err) {
    console.warn(`live broker settings not read (${(err as Error).message}): kept as they were`);
    return props;
  }
}

const keysOf = (o: Record<string, string> | undefined): string[] => Object.keys(o ?? {});

export const liveBrokerSettingsProvider: pulumi.dynamic.ResourceProvider<
  LiveBrokerSettingsInputs,
  LiveBrokerSettingsOutputs
> = {
  async check(olds, news) {
    const failures = threadPoolProblems(olds?.settings ?? {}, news.settings ?? {}).map((p) => ({
      property: "settings",
      reason: p.message,
    }));
    return { inputs: news, failures };
  },
  async diff(_id, olds, news) {
    const same = (k: keyof LiveBrokerSettingsInputs): boolean => JSON.stringify(olds[k]) === JSON.stringify(news[k]);
    return { changes: !same("settings") || !same("brokerIds") || !same("bootstrapServers") };
  },
  async create(inputs) {
    const { pinned, erased } = await apply(inputs, []);
    return { id: "live-broker-settings", outs: { ...inputs, pinned, erased } };
  },
  async update(_id, olds, news) {
    const removed = [...new Set([...keysOf(olds.settings), ...keysOf(olds.pinned)])].filter(
      (k) => !(k in news.settings),
    );
    const { pinned, erased } = await apply(news, removed);
    return { outs: { ...news, pinned, erased } };
  },
  async read(id, props) {
    return { id, props: props ? await readLive(props) : props };
  },
  async delete(_id, olds) {
    await revertAll(olds);
  },
};

export class LiveBrokerSettings extends pulumi.dynamic.Resource {
  declare readonly settings: pulumi.Output<Record<string, string>>;
  declare readonly pinned: pulumi.Output<Record<string, string>>;
  constructor(
    name: string,
    args: { [K in keyof LiveBrokerSettingsInputs]: pulumi.Input<LiveBrokerSettingsInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const outs = { pinned: undefined, erased: undefined };
    super(liveBrokerSettingsProvider, name, { ...args, ...outs }, opts, "kafka-cluster", "LiveBrokerSettings");
  }
}
