// KafkaTopic: a dynamic provider over the Kafka admin API (kafkajs) that
// keeps a declared topic true without ever losing data by accident:
// - check refuses what cannot work (a partition decrease, bad names, a
//   replication factor above the brokers, config the brokers reject) at preview;
// - partitions grow in place; a replication factor change is a reassignment;
// - config changes touch only the declared keys;
// - only a rename replaces the topic; the old one is deleted only when its
//   deployed declaration allowed data loss (retainOnDelete, stack/program.ts);
// - create either completes with a full ISR or removes what it made; it never
//   removes a topic it did not make (an existing one is an error, adopted only
//   with `import: true`).
//
// The KafkaTopic resource (topics/resource.ts) does not serialize these
// functions: it loads this module, bundled, in the provider host, once.
// Connection settings are inputs; clients and caches shared between calls
// live in this module's admin pool and caches.
import type * as pulumi from "@pulumi/pulumi";
import { TopicError } from "../../lib/errors";
import { formatProblem } from "../../lib/problems";
import { adoptionProblems, partitionDecreaseProblem, topicChange, topicSpecProblems, type TopicSpec } from "../spec";
import { createAdminPool, type AdminPool, type TopicAdmin } from "./admin-pool";
import { BROKERS_REGISTER_MS, checkTopic } from "./check";
import { clusterFactsWith } from "./cluster-facts";
import { applyConfig, desiredOverrides, topicOverrides } from "./config";
import { asksNothingNew, specOf, type KafkaTopicInputs } from "./inputs";
import { existingSpec, topicExists, topicMetadata, waitHealthy } from "./metadata";
import { changeReplicationFactor, createTopicShared, deleteTopic } from "./operations";
import { BROKER_TIMEOUT_MS } from "./shared-request";

export type { KafkaTopicInputs } from "./inputs";
export type { AdminFactory, AdminPool, TopicAdmin } from "./admin-pool";
export { createAdminPool } from "./admin-pool";
export { readClusterFacts } from "./cluster-facts";
export { whileBrokersStart } from "./shared-request";

const DEFAULT_TIMEOUT_MS = 120_000;

type Provider = pulumi.dynamic.ResourceProvider<KafkaTopicInputs, KafkaTopicInputs>;

/** The provider over the clients of `admins`: the real pool in the provider host, a fake cluster's in unit tests. */
export function topicProvider(admins: AdminPool): Provider {
  return {
    check: (olds, news) => checkTopic(admins, olds, news),

    async diff(_id, olds, news) {
      const change = topicChange(specOf(olds), specOf(news));
      const changes =
        !asksNothingNew(olds, news) ||
        // Nothing to do in Kafka, but the state must record them: the policy pack reads them.
        JSON.stringify(olds.policyExemption) !== JSON.stringify(news.policyExemption) ||
        olds.allowDataLoss !== news.allowDataLoss;
      return { changes, replaces: change.replace ? ["name"] : [], deleteBeforeReplace: true };
    },

    async create(inputs) {
      const spec = specOf(inputs);
      const timeoutMs = inputs.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      await admins.withAdmin(inputs.bootstrapServers, async (admin) => {
        if (await topicExists(admin, spec.name)) return adoptExisting(admin, spec, inputs.adopt === true);
        await createTopic(admin, spec, timeoutMs);
      });
      return { id: spec.name, outs: inputs };
    },

    async update(_id, olds, news) {
      const timeoutMs = news.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      await admins.withAdmin(news.bootstrapServers, (admin) => updateTopic(admin, olds, news, timeoutMs));
      return { outs: news };
    },

    async delete(id, props) {
      const timeoutMs = props.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      await admins.withAdmin(props.bootstrapServers, async (admin) => {
        if (await topicExists(admin, id)) await deleteTopic(admin, id, timeoutMs);
      });
    },

    async read(id, maybeProps) {
      if (!maybeProps?.bootstrapServers) {
        throw new TopicError(
          id,
          "cannot be imported with `pulumi import` or the `import` option (dynamic providers cannot serve it, " +
            "pulumi/pulumi#16175): add `import: true` to its entry in kafka-cluster:topics instead",
          false,
        );
      }
      const props = maybeProps;
      return admins.withAdmin(props.bootstrapServers, (admin) => readTopic(admin, id, props));
    },
  };
}

/** The provider Pulumi's dynamic provider host loads (topics/resource.ts). */
export const kafkaTopicProvider: Provider = topicProvider(createAdminPool());

/** An existing topic of a declared name: refused, unless adopted, and then only as it is. */
async function adoptExisting(admin: TopicAdmin, spec: TopicSpec, adopt: boolean): Promise<void> {
  if (!adopt) {
    throw new TopicError(
      spec.name,
      "already exists in the cluster; it is not adopted silently. To manage it, add `import: true` to its entry in " +
        "kafka-cluster:topics (the `adopt` input of KafkaTopic), run `pulumi up`, then remove `import`.",
      false,
    );
  }
  const existing = await existingSpec(admin, spec);
  const problems = existing
    ? adoptionProblems(existing, spec)
    : [{ path: "name", message: "cannot read the existing topic's partitions" }];
  if (problems.length) throw new TopicError(spec.name, `not adopted: ${problems.map(formatProblem).join("; ")}`, false);
}

/**
 * Creates the topic and waits for a full ISR. A topic this call made that
 * never gets one is removed: nothing half-made. Nothing else is ever removed:
 * a topic that existed already (someone else's) is an error, and so is one
 * that exists after a create request failed as a whole, since then nobody
 * can tell who made it.
 */
async function createTopic(admin: TopicAdmin, spec: TopicSpec, timeoutMs: number): Promise<void> {
  const facts = await clusterFactsWith(admin, spec.replicationFactor, BROKERS_REGISTER_MS);
  const problems = topicSpecProblems(spec, { brokers: facts.brokers.length, defaultMinIsr: facts.defaultMinIsr });
  if (problems.length) throw new TopicError(spec.name, problems.map(formatProblem).join("; "), false);
  try {
    await createTopicShared(admin, {
      topic: spec.name,
      numPartitions: spec.partitions,
      replicationFactor: spec.replicationFactor,
      configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
    });
  } catch (err) {
    if (err instanceof TopicError || !(await topicExists(admin, spec.name).catch(() => false))) throw err;
    throw new TopicError(
      spec.name,
      `the create request failed (${(err as Error).message}), and the topic exists now: this run cannot tell whether ` +
        "its request made it, so it is left as it is. Delete it, or adopt it with `import: true` in its entry.",
      false,
    );
  }
  try {
    await waitHealthy(admin, spec.name, spec.partitions, spec.replicationFactor, timeoutMs);
  } catch (err) {
    await admin.deleteTopics({ topics: [spec.name], timeout: BROKER_TIMEOUT_MS }).catch(() => undefined);
    throw err;
  }
}

/** Changes the topic in place: config first, then more partitions, then the replication factor. */
async function updateTopic(
  admin: TopicAdmin,
  olds: KafkaTopicInputs,
  news: KafkaTopicInputs,
  timeoutMs: number,
): Promise<void> {
  const change = topicChange(specOf(olds), specOf(news));
  if (change.partitions && change.partitions.to < change.partitions.from) {
    const refusal = partitionDecreaseProblem(news.name, change.partitions.from, change.partitions.to);
    throw new TopicError(news.name, refusal.message, false);
  }
  if (Object.keys(change.setConfig).length > 0 || change.resetConfig.length > 0) {
    const current = await topicOverrides(admin, news.name);
    const overrides = desiredOverrides(current, Object.keys(olds.config ?? {}), { ...(news.config ?? {}) });
    await applyConfig(admin, news.name, overrides, false);
  }
  if (change.partitions) {
    await admin.createPartitions({
      topicPartitions: [{ topic: news.name, count: change.partitions.to }],
      timeout: Math.min(timeoutMs, BROKER_TIMEOUT_MS),
    });
    await waitHealthy(admin, news.name, change.partitions.to, olds.replicationFactor, timeoutMs);
  }
  if (change.replicationFactor) {
    await changeReplicationFactor(admin, news.name, change.replicationFactor.to, timeoutMs);
  }
}

/**
 * The topic as the cluster has it: refresh reports only the declared keys;
 * import (no declaration yet) takes every override.
 */
async function readTopic(
  admin: TopicAdmin,
  id: string,
  props: KafkaTopicInputs,
): Promise<pulumi.dynamic.ReadResult<KafkaTopicInputs>> {
  if (!(await topicExists(admin, id))) return { id: "", props: {} as KafkaTopicInputs };
  const md = await topicMetadata(admin, id);
  const overrides = await topicOverrides(admin, id);
  const declared = props.config ? Object.keys(props.config) : Object.keys(overrides);
  const config: Record<string, string> = {};
  for (const k of declared) if (k in overrides) config[k] = overrides[k];
  const state: KafkaTopicInputs = {
    ...props,
    name: id,
    partitions: md?.partitions.length ?? props.partitions,
    replicationFactor: md ? Math.max(...md.partitions.map((p) => p.replicas.length)) : props.replicationFactor,
    config,
  };
  return { id, props: state, inputs: state };
}
