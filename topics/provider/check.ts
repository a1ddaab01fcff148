// The provider's check: what the declaration gets wrong on its own, then what
// the cluster says about it (live brokers, an adopted topic as it is, config).
import type * as pulumi from "@pulumi/pulumi";
import type { Problem } from "../../lib/problems";
import { adoptionProblems, partitionDecreaseProblem, topicSpecProblems, type TopicSpec } from "../spec";
import type { AdminPool, TopicAdmin } from "./admin-pool";
import { clusterFactsWith } from "./cluster-facts";
import { configProblems } from "./config";
import { checkFailures } from "./failures";
import { asksNothingNew, specOf, type KafkaTopicInputs } from "./inputs";
import { existingSpec, topicExists } from "./metadata";

/** How long check waits for the cluster to answer: a preview must not hang on a cluster that is not there. */
const CHECK_CONNECT_TIMEOUT_MS = 3_000;
/** How long a replication factor above the live brokers waits for brokers that are still registering. */
export const BROKERS_REGISTER_MS = 10_000;

export async function checkTopic(
  admins: AdminPool,
  olds: KafkaTopicInputs | undefined,
  news: KafkaTopicInputs,
): Promise<pulumi.dynamic.CheckResult<KafkaTopicInputs>> {
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
      const managed = olds?.name === news.name ? Object.keys(olds.config ?? {}) : undefined;
      await admins.withAdmin(
        news.bootstrapServers,
        (admin) => clusterProblems(admin, spec, managed, news.adopt === true, failures),
        CHECK_CONNECT_TIMEOUT_MS,
      );
    } catch {
      // cluster not reachable (yet)
    }
  }
  return { inputs: news, failures: checkFailures(failures) };
}

/**
 * Adds to `problems` what the cluster refuses, in order, stopping at the first
 * kind that finds any. `managedKeys` is set when the same topic was declared
 * before (its declared config keys); it counts as managed if it exists.
 */
async function clusterProblems(
  admin: TopicAdmin,
  spec: TopicSpec,
  managedKeys: readonly string[] | undefined,
  adopt: boolean,
  problems: Problem[],
): Promise<void> {
  const facts = await clusterFactsWith(admin, spec.replicationFactor, BROKERS_REGISTER_MS);
  problems.push(...topicSpecProblems(spec, { brokers: facts.brokers.length, defaultMinIsr: facts.defaultMinIsr }));
  if (problems.length > 0) return;
  const managed = managedKeys !== undefined && (await topicExists(admin, spec.name));
  if (!managed && adopt) {
    const existing = await existingSpec(admin, spec);
    if (existing) problems.push(...adoptionProblems(existing, spec));
  }
  if (problems.length > 0) return;
  problems.push(...(await configProblems(admin, spec, managed ? managedKeys : undefined)));
}
