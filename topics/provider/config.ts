// A topic's config overrides: reading them, writing the declared ones without
// touching the others, and asking the brokers whether they accept a declaration.
import type { Problem } from "../../lib/problems";
import type { TopicSpec } from "../spec";
import type { TopicAdmin } from "./admin-pool";
import { kafkaErrorText } from "./errors";

/** Kafka's DescribeConfigs source for a topic-level override. */
const DYNAMIC_TOPIC_CONFIG = 1;
const TOPIC_RESOURCE = 2;

const entries = (config: Readonly<Record<string, string>>): Array<{ name: string; value: string }> =>
  Object.entries(config).map(([name, value]) => ({ name, value }));

/** Topic-level overrides currently set on the topic. */
export async function topicOverrides(admin: TopicAdmin, topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: TOPIC_RESOURCE, name: topic }],
    includeSynonyms: false,
  });
  const out: Record<string, string> = {};
  for (const e of resources[0]?.configEntries ?? []) {
    if (e.configSource === DYNAMIC_TOPIC_CONFIG) out[e.configName] = e.configValue;
  }
  return out;
}

/**
 * The full override set to send: AlterConfigs (the API kafkajs speaks)
 * replaces every override, so keep the ones this resource does not manage.
 */
export function desiredOverrides(
  current: Record<string, string>,
  oldManaged: readonly string[],
  next: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) if (!oldManaged.includes(k)) out[k] = v;
  return { ...out, ...next };
}

export async function applyConfig(
  admin: TopicAdmin,
  topic: string,
  overrides: Record<string, string>,
  validateOnly: boolean,
): Promise<void> {
  await admin.alterConfigs({
    validateOnly,
    resources: [{ type: TOPIC_RESOURCE, name: topic, configEntries: entries(overrides) }],
  });
}

/**
 * Asks the brokers whether they accept the declared config (validateOnly),
 * key by key when the whole set is refused, so each problem names its key.
 * `oldManaged` is set for an existing topic (its previously declared keys).
 */
export async function configProblems(
  admin: TopicAdmin,
  spec: TopicSpec,
  oldManaged: readonly string[] | undefined,
): Promise<Problem[]> {
  const validate = async (config: Record<string, string>): Promise<string | undefined> => {
    try {
      if (oldManaged) {
        const current = await topicOverrides(admin, spec.name);
        await applyConfig(admin, spec.name, desiredOverrides(current, oldManaged, config), true);
      } else {
        await admin.createTopics({
          validateOnly: true,
          waitForLeaders: false, // nothing is created, so there is nothing to wait for
          topics: [
            {
              topic: spec.name,
              numPartitions: spec.partitions,
              replicationFactor: spec.replicationFactor,
              configEntries: entries(config),
            },
          ],
        });
      }
      return undefined;
    } catch (err) {
      const text = kafkaErrorText(err);
      return /TOPIC_ALREADY_EXISTS/.test(text) ? undefined : text;
    }
  };
  const whole = await validate({ ...spec.config });
  if (whole === undefined) return [];
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(spec.config)) {
    const one = await validate({ [key]: value });
    if (one === undefined) continue;
    problems.push({ path: `config.${key}`, message: `the cluster refuses ${JSON.stringify(value)} (${one})` });
  }
  return problems.length ? problems : [{ path: "config", message: `the cluster refuses it (${whole})` }];
}
