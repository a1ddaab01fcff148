// KafkaTopic: a dynamic provider over the Kafka admin API (kafkajs) that
// keeps a declared topic true without ever losing data by accident:
// - check refuses what cannot work (a partition decrease, bad names, a
//   replication factor above the brokers, config the brokers reject) at preview;
// - partitions grow in place; a replication factor change is a reassignment;
// - config changes touch only the declared keys;
// - only a rename replaces the topic (the old one is deleted first);
// - create either completes with a full ISR or leaves nothing behind.
//
// The KafkaTopic resource (topics/resource.ts) does not serialize these
// functions: it loads this module, bundled, in the provider host. Connection
// settings are inputs; state shared between calls lives on globalThis.
import type * as pulumi from "@pulumi/pulumi";
import { adoptionProblems, partitionDecreaseProblem, topicChange, topicSpecProblems } from "../spec";
import { withAdmin } from "./admin-pool";
import { clusterFactsWith } from "./cluster-facts";
import { applyConfig, configProblems, desiredOverrides, topicOverrides } from "./config";
import { topicError } from "./errors";
import { asksNothingNew, specOf, type KafkaTopicInputs } from "./inputs";
import { existingSpec, topicExists, topicMetadata, waitHealthy } from "./metadata";
import { changeReplicationFactor, createTopicShared, deleteTopicShared } from "./operations";
import { BROKER_TIMEOUT_MS } from "./shared-request";

export type { KafkaTopicInputs } from "./inputs";
export { readClusterFacts } from "./cluster-facts";
export { whileBrokersStart } from "./shared-request";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const kafkaTopicProvider: pulumi.dynamic.ResourceProvider<KafkaTopicInputs, KafkaTopicInputs> = {
  async check(olds, news) {
    const spec = specOf(news);
    const failures = topicSpecProblems(spec);
    if (olds?.name === news.name && typeof olds.partitions === "number" && news.partitions < olds.partitions) {
      failures.push(partitionDecreaseProblem(news.name, olds.partitions, news.partitions));
    }
    // A topic that asks nothing new of Kafka was accepted by the cluster when
    // it was applied, and nothing will be done to it: asking again would cost
    // every preview a few round trips per topic (Pulumi checks one resource
    // at a time) and refuse a deployment of other changes while a broker is down.
    if (failures.length === 0 && !asksNothingNew(olds, news)) {
      // Ask the cluster what it can: live brokers, its default min ISR, and
      // whether it accepts the config. Before the first deployment there is
      // no cluster to ask; the same checks run again before anything changes.
      try {
        await withAdmin(news.bootstrapServers, async (admin) => {
          const facts = await clusterFactsWith(admin, spec.replicationFactor, 10_000);
          failures.push(...topicSpecProblems(spec, { brokers: facts.brokers.length, defaultMinIsr: facts.defaultMinIsr }));
          if (failures.length > 0) return;
          const managed = olds?.name === news.name && (await topicExists(admin, news.name));
          if (!managed && news.adopt) {
            const existing = await existingSpec(admin, spec);
            if (existing) failures.push(...adoptionProblems(existing, spec));
          }
          if (failures.length > 0) return;
          failures.push(...(await configProblems(admin, spec, managed ? Object.keys(olds.config ?? {}) : undefined)));
        }, 3_000);
      } catch {
        // cluster not reachable (yet)
      }
    }
    return { inputs: news, failures };
  },

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
    const timeoutMs = inputs.timeoutMs ?? 120_000;
    await withAdmin(inputs.bootstrapServers, async (admin) => {
      if (await topicExists(admin, spec.name)) {
        if (!inputs.adopt) {
          throw topicError(
            spec.name,
            "already exists in the cluster; it is not adopted silently. To manage it, add `import: true` to its entry in " +
              "kafka-cluster:topics (the `adopt` input of KafkaTopic), run `pulumi up`, then remove `import`.",
            false,
          );
        }
        const existing = await existingSpec(admin, spec);
        const problems = existing ? adoptionProblems(existing, spec) : [{ property: "name", reason: "cannot read the existing topic's partitions" }];
        if (problems.length) throw topicError(spec.name, `not adopted: ${problems.map((p) => `${p.property}: ${p.reason}`).join("; ")}`, false);
        return; // adopted as it is
      }
      const problems = topicSpecProblems(spec, await clusterFactsWith(admin, spec.replicationFactor, 10_000).then((f) => ({ brokers: f.brokers.length, defaultMinIsr: f.defaultMinIsr })));
      if (problems.length) throw topicError(spec.name, problems.map((p) => `${p.property}: ${p.reason}`).join("; "), false);
      await createTopicShared(admin, { topic: spec.name, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor, configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })) });
      try {
        await waitHealthy(admin, spec.name, spec.partitions, spec.replicationFactor, timeoutMs);
      } catch (err) {
        // Nothing half-made: a topic that never became healthy is removed.
        await admin.deleteTopics({ topics: [spec.name], timeout: BROKER_TIMEOUT_MS }).catch(() => undefined);
        throw err;
      }
    });
    return { id: spec.name, outs: inputs };
  },

  async update(_id, olds, news) {
    const change = topicChange(specOf(olds), specOf(news));
    const timeoutMs = news.timeoutMs ?? 120_000;
    await withAdmin(news.bootstrapServers, async (admin) => {
      if (change.partitions && change.partitions.to < change.partitions.from) {
        throw topicError(news.name, partitionDecreaseProblem(news.name, change.partitions.from, change.partitions.to).reason, false);
      }
      if (Object.keys(change.setConfig).length > 0 || change.resetConfig.length > 0) {
        const current = await topicOverrides(admin, news.name);
        await applyConfig(admin, news.name, desiredOverrides(current, Object.keys(olds.config ?? {}), { ...(news.config ?? {}) }), false);
      }
      if (change.partitions) {
        await admin.createPartitions({ topicPartitions: [{ topic: news.name, count: change.partitions.to }], timeout: Math.min(timeoutMs, BROKER_TIMEOUT_MS) });
        await waitHealthy(admin, news.name, change.partitions.to, olds.replicationFactor, timeoutMs);
      }
      if (change.replicationFactor) {
        await changeReplicationFactor(admin, news.name, change.replicationFactor.to, timeoutMs);
      }
    });
    return { outs: news };
  },

  async delete(id, props) {
    const timeoutMs = props.timeoutMs ?? 120_000;
    await withAdmin(props.bootstrapServers, async (admin) => {
      if (!(await topicExists(admin, id))) return;
      await deleteTopicShared(admin, id);
      const deadline = Date.now() + timeoutMs;
      while (await topicExists(admin, id)) {
        if (Date.now() > deadline) throw topicError(id, `still listed ${timeoutMs} ms after deletion`, true);
        await sleep(200);
      }
    });
  },

  async read(id, maybeProps) {
    if (!maybeProps?.bootstrapServers) {
      throw topicError(
        id,
        "cannot be imported with `pulumi import` or the `import` option (dynamic providers cannot serve it, pulumi/pulumi#16175): " +
          "add `import: true` to its entry in kafka-cluster:topics instead",
        false,
      );
    }
    const props = maybeProps;
    return withAdmin(props.bootstrapServers, async (admin) => {
      if (!(await topicExists(admin, id))) return { id: "", props: {} as KafkaTopicInputs };
      const md = await topicMetadata(admin, id);
      const overrides = await topicOverrides(admin, id);
      // Refresh reports only the declared keys; import (no declaration yet) takes every override.
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
    });
  },
};
