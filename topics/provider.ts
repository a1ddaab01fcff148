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
import type { Admin, ITopicConfig, ITopicMetadata } from "kafkajs";
import { reassign } from "./assignment";
import { quietKafkajsTimers } from "../lib/kafkajs/quiet-timers";
import { adoptionProblems, partitionDecreaseProblem, topicChange, topicSpecProblems, type TopicSpec } from "./spec";

export interface KafkaTopicInputs extends TopicSpec {
  /** `host:port,...` of the cluster. */
  readonly bootstrapServers: string;
  /**
   * Take over an existing topic of this name, as it is, instead of refusing
   * it. Dynamic providers cannot serve `pulumi import` (pulumi/pulumi#16175),
   * so this is how a topic is imported. Ignored once the topic is managed.
   */
  readonly adopt?: boolean;
  /** Deadline for each wait (leaders, ISR, reassignment, deletion). Default 120 s. */
  readonly timeoutMs?: number;
  /** Read by the policy pack (policy/), never by the provider: why the topic may be less durable. */
  readonly policyExemption?: { readonly reason: string };
  /** Read by the policy pack (policy/), never by the provider: the topic may be deleted or replaced. */
  readonly allowDataLoss?: boolean;
}

/** Kafka's DescribeConfigs source for a topic-level override. */
const DYNAMIC_TOPIC_CONFIG = 1;
const TOPIC_RESOURCE = 2;
const BROKER_RESOURCE = 4;

export interface TopicError extends Error {
  readonly topic: string;
  /** Whether trying again may help (a timeout, an unreachable cluster). */
  readonly retriable: boolean;
}

/**
 * A plain Error, not a subclass: Pulumi serializes this module's functions
 * into the state, and a serialized Error subclass loses its message.
 */
export function topicError(topic: string, message: string, retriable: boolean): TopicError {
  return Object.assign(new Error(`topic ${JSON.stringify(topic)}: ${message}`), { name: "TopicError", topic, retriable });
}

interface SharedAdmin {
  readonly connected: Promise<Admin>;
  users: number;
  /** Set once an error has shown the client may be broken: no new users, closed when the last leaves. */
  retired: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * Runs fn with a connected admin client shared by every call in this process
 * for the same cluster: one `pulumi up` of many topics then pays for one
 * connection, not one per resource and method. The clients live on
 * globalThis, not in a module variable, because Pulumi serializes this
 * module's functions with the values they capture. A client that saw an
 * error other than a topic's own is retired; an idle one is closed after 5 s.
 */
async function withAdmin<T>(bootstrapServers: string, fn: (admin: Admin) => Promise<T>, connectTimeoutMs = 10_000): Promise<T> {
  const shared = ((globalThis as { kafkaClusterTopicAdmins?: Map<string, SharedAdmin> }).kafkaClusterTopicAdmins ??= new Map());
  const key = `${connectTimeoutMs} ${bootstrapServers}`;
  let entry = shared.get(key);
  if (!entry) {
    quietKafkajsTimers();
    const { Kafka, logLevel } = require("kafkajs") as typeof import("kafkajs");
    const admin = new Kafka({
      clientId: "kafka-cluster-topics",
      brokers: bootstrapServers.split(","),
      logLevel: logLevel.NOTHING,
      connectionTimeout: connectTimeoutMs,
      retry: { retries: 3, initialRetryTime: 200 },
    }).admin();
    entry = { connected: admin.connect().then(() => admin), users: 0, retired: false };
    shared.set(key, entry);
  }
  const current = entry;
  current.users++;
  clearTimeout(current.idle);
  const retire = (): void => {
    current.retired = true;
    if (shared.get(key) === current) shared.delete(key);
  };
  let admin: Admin | undefined;
  try {
    const connected = await current.connected;
    admin = connected;
    return await fn(connected);
  } catch (err) {
    if ((err as Error).name !== "TopicError") retire();
    throw err;
  } finally {
    current.users--;
    if (current.users === 0) {
      const close = (): void => {
        retire();
        void admin?.disconnect().catch(() => undefined);
      };
      if (current.retired) close();
      else current.idle = setTimeout(close, 5_000).unref();
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Metadata for one topic, or undefined when it does not exist or is not readable yet. */
async function topicMetadata(admin: Admin, topic: string): Promise<ITopicMetadata | undefined> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0];
  } catch {
    // kafkajs throws on any partition error (e.g. LEADER_NOT_AVAILABLE)
    return undefined;
  }
}

/** Waits until the topic has `partitions` partitions, each with a leader and a full ISR of `rf` replicas. */
async function waitHealthy(admin: Admin, topic: string, partitions: number, rf: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = "no metadata";
  for (;;) {
    const md = await topicMetadata(admin, topic);
    if (md) {
      const bad = md.partitions.filter((p) => p.leader < 0 || p.replicas.length !== rf || p.isr.length !== rf);
      seen = `${md.partitions.length} partitions, ${bad.length} without a leader or a full ISR of ${rf}`;
      if (md.partitions.length === partitions && bad.length === 0) return;
    }
    if (Date.now() > deadline) throw topicError(topic, `not healthy after ${timeoutMs} ms (saw ${seen})`, true);
    await sleep(200);
  }
}

/** The most topics one CreateTopics or DeleteTopics request carries. */
const BATCH = 50;
/**
 * How long a broker may wait on a CreateTopics or DeleteTopics request before
 * it answers REQUEST_TIMED_OUT: below kafkajs's own request timeout (30 s,
 * counted from the send), so the answer is the broker's. The work goes on
 * after that answer; the caller waits for the outcome it needs.
 */
const BROKER_TIMEOUT_MS = 20_000;

interface Pending<T> {
  readonly key: string;
  readonly item: T;
  readonly settle: (err?: unknown) => void;
}

interface Queue<T> {
  readonly pending: Array<Pending<T>>;
  draining: boolean;
}

/**
 * Sends `item` in a request shared with the other items of this kind that
 * callers in this process submit meanwhile. Pulumi runs a deployment's
 * creates (or deletes) at once, in one provider process, and a broker
 * answers one request per connection at a time, each CreateTopics once its
 * topics have leaders: sent one topic per request, 500 topics wait for each
 * other in turn, and the last ones outlive kafkajs's request timeout. One
 * request at a time per client, with up to BATCH items; items that arrive
 * while it is out go together in the next. `send` returns the errors of the
 * items that failed, by key; each caller gets its own item's.
 */
function sharedRequest<T>(kind: string, admin: Admin, key: string, item: T, send: (admin: Admin, items: T[]) => Promise<Map<string, unknown>>): Promise<void> {
  const all = ((globalThis as { kafkaClusterTopicQueues?: Map<string, WeakMap<Admin, Queue<unknown>>> }).kafkaClusterTopicQueues ??= new Map());
  let byAdmin = all.get(kind);
  if (!byAdmin) all.set(kind, (byAdmin = new WeakMap()));
  let queue = byAdmin.get(admin) as Queue<T> | undefined;
  if (!queue) byAdmin.set(admin, (queue = { pending: [], draining: false }) as Queue<unknown>);
  const q = queue;
  return new Promise<void>((resolve, reject) => {
    q.pending.push({ key, item, settle: (err) => (err === undefined ? resolve() : reject(err)) });
    if (q.draining) return;
    q.draining = true;
    // Items submitted in the same turn share the first request too.
    setImmediate(async () => {
      while (q.pending.length > 0) {
        const batch = q.pending.splice(0, BATCH);
        let failed: Map<string, unknown>;
        try {
          failed = await whileBrokersStart(() => send(admin, batch.map((p) => p.item)));
        } catch (err) {
          failed = new Map(batch.map((p) => [p.key, err]));
        }
        for (const p of batch) p.settle(failed.get(p.key));
      }
      q.draining = false;
    });
  });
}

/** kafkajs's errors when the broker it asked does not know the controller yet: one that has just started. */
const brokersStarting = (err: unknown): boolean => ["KafkaJSBrokerNotFound", "KafkaJSMetadataNotLoaded"].includes((err as Error).name);

/** Runs fn again while brokersStarting(err), up to waitMs: a deployment's first topics come right after the brokers register. */
export async function whileBrokersStart<T>(fn: () => Promise<T>, waitMs = 15_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!brokersStarting(err) || Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/** An error a topic's own creation or deletion answered with, if kafkajs said which topic. */
const topicErrorsOf = (err: unknown): Array<{ topic: string; type?: string }> | undefined => {
  const errors = (err as { errors?: Array<{ topic?: unknown; type?: string }> }).errors;
  return errors?.length && errors.every((e) => typeof e.topic === "string") ? (errors as Array<{ topic: string; type?: string }>) : undefined;
};

/**
 * Creates the topic (see sharedRequest). A topic that already exists counts
 * as made, as kafkajs counts it (create() looked first); one the broker was
 * still making when it answered is waited for by the caller.
 */
function createTopicShared(admin: Admin, topic: ITopicConfig): Promise<void> {
  return sharedRequest("create", admin, topic.topic, topic, async (a, topics) => {
    try {
      await a.createTopics({ waitForLeaders: false, timeout: BROKER_TIMEOUT_MS, topics });
      return new Map();
    } catch (err) {
      const perTopic = topicErrorsOf(err);
      if (!perTopic) throw err;
      return new Map(perTopic.filter((e) => e.type !== "TOPIC_ALREADY_EXISTS" && e.type !== "REQUEST_TIMED_OUT").map((e) => [e.topic, topicError(e.topic, `the brokers refused to create it: ${kafkaErrorText(e)}`, false)]));
    }
  });
}

/** Deletes the topic (see sharedRequest). One already gone, or still being deleted when the broker answered, is no error: the caller waits until it is gone. */
function deleteTopicShared(admin: Admin, topic: string): Promise<void> {
  const harmless = (err: unknown): boolean => ["REQUEST_TIMED_OUT", "UNKNOWN_TOPIC_OR_PARTITION"].includes((err as { type?: string }).type ?? "");
  return sharedRequest("delete", admin, topic, topic, async (a, topics) => {
    const failed = new Map<string, unknown>();
    const record = (t: string, err: unknown): void => {
      if (!harmless(err)) failed.set(t, topicError(t, `the brokers refused to delete it: ${kafkaErrorText(err)}`, false));
    };
    try {
      await a.deleteTopics({ topics, timeout: BROKER_TIMEOUT_MS });
    } catch (err) {
      if (brokersStarting(err)) throw err;
      if (topics.length === 1) record(topics[0]!, err);
      // kafkajs reports the first failed topic's error without its name: each again on its own.
      else for (const t of topics) await a.deleteTopics({ topics: [t], timeout: BROKER_TIMEOUT_MS }).catch((e: unknown) => record(t, e));
    }
    return failed;
  });
}

/**
 * Whether the topic exists, from a metadata request for that topic alone:
 * listing every topic costs time in proportion to the topics the cluster
 * has, and a deployment of many topics asks once per topic.
 */
async function topicExists(admin: Admin, topic: string): Promise<boolean> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    if (topics.some((t) => t.name === topic)) return true;
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === "UNKNOWN_TOPIC_OR_PARTITION") return false;
    if (type === "LEADER_NOT_AVAILABLE") return true; // being created or moved: it exists
  }
  // Any other answer (kafkajs can fail oddly while topics are deleted around it): the full listing decides.
  return (await admin.listTopics()).includes(topic);
}

/** Topic-level overrides currently set on the topic. */
async function topicOverrides(admin: Admin, topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: topic }], includeSynonyms: false });
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
function desiredOverrides(current: Record<string, string>, oldManaged: readonly string[], next: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) if (!oldManaged.includes(k)) out[k] = v;
  return { ...out, ...next };
}

async function applyConfig(admin: Admin, topic: string, overrides: Record<string, string>, validateOnly: boolean): Promise<void> {
  await admin.alterConfigs({
    validateOnly,
    resources: [{ type: TOPIC_RESOURCE, name: topic, configEntries: Object.entries(overrides).map(([name, value]) => ({ name, value })) }],
  });
}

interface ClusterFacts {
  readonly brokers: number[];
  readonly defaultMinIsr?: number;
}

/**
 * The live brokers and their default min ISR. An answer up to maxAgeMs old
 * is reused (and one in flight shared): a deployment checks and creates many
 * topics at once, and they need not each ask again.
 */
async function clusterFacts(admin: Admin, maxAgeMs = 5_000): Promise<ClusterFacts> {
  const cache = ((globalThis as { kafkaClusterTopicFacts?: WeakMap<Admin, { at: number; facts: Promise<ClusterFacts> }> }).kafkaClusterTopicFacts ??= new WeakMap());
  const hit = cache.get(admin);
  if (hit && Date.now() - hit.at <= maxAgeMs) return hit.facts;
  const facts = readClusterFacts(admin);
  cache.set(admin, { at: Date.now(), facts });
  facts.catch(() => cache.get(admin)?.facts === facts && cache.delete(admin));
  return facts;
}

/**
 * Cluster facts with at least `brokers` live brokers, asking again for up to
 * waitMs: a broker that has just registered in ZooKeeper reaches the other
 * brokers' metadata a moment later, and a topic declared with the cluster
 * must not be refused in that moment. A broker that is really down still is,
 * once waitMs has passed.
 */
async function clusterFactsWith(admin: Admin, brokers: number, waitMs: number): Promise<ClusterFacts> {
  const deadline = Date.now() + waitMs;
  let facts = await clusterFacts(admin);
  while (facts.brokers.length < brokers && Date.now() < deadline) {
    await sleep(250);
    facts = await clusterFacts(admin, 0);
  }
  return facts;
}

/** Exported for tests. */
export async function readClusterFacts(admin: Pick<Admin, "describeCluster" | "describeConfigs">): Promise<ClusterFacts> {
  const { brokers } = await admin.describeCluster();
  const ids = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  // A broker that has just started can answer before it knows any broker
  // (kafkajs then fails to look up broker "undefined"): no brokers yet.
  if (ids.length === 0) return { brokers: [] };
  const { resources } = await admin.describeConfigs({ resources: [{ type: BROKER_RESOURCE, name: String(ids[0]), configNames: ["min.insync.replicas"] }], includeSynonyms: false });
  const v = resources[0]?.configEntries.find((e) => e.configName === "min.insync.replicas")?.configValue;
  return { brokers: ids, ...(v !== undefined ? { defaultMinIsr: Number(v) } : {}) };
}

async function changeReplicationFactor(admin: Admin, topic: string, rf: number, timeoutMs: number): Promise<void> {
  const md = await topicMetadata(admin, topic);
  if (!md) throw topicError(topic, "cannot read its partitions to reassign them (a partition without a leader?)", true);
  const { brokers } = await clusterFacts(admin, 0); // where replicas go: no cached answer
  const assignment = reassign(
    md.partitions.map((p) => ({ partition: p.partitionId, replicas: p.replicas, leader: p.leader >= 0 ? p.leader : null })),
    brokers,
    rf,
  );
  await admin.alterPartitionReassignments({
    topics: [{ topic, partitionAssignment: [...assignment].map(([partition, replicas]) => ({ partition, replicas })) }],
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { topics } = await admin.listPartitionReassignments({ topics: [{ topic, partitions: [...assignment.keys()] }] });
    if (topics.every((t) => t.partitions.length === 0)) break;
    if (Date.now() > deadline) throw topicError(topic, `reassignment to replication factor ${rf} not complete after ${timeoutMs} ms`, true);
    await sleep(200);
  }
  await waitHealthy(admin, topic, md.partitions.length, rf, timeoutMs);
}

/** kafkajs reports an error code, not the broker's text; name the codes. */
function kafkaErrorText(err: unknown): string {
  const e = err as { errors?: Array<{ type?: string; message: string }>; type?: string; message: string };
  const parts = e.errors?.length ? e.errors : [e];
  return parts.map((x) => (x.type ? `${x.type}: ${x.message}` : x.message)).join("; ");
}

/**
 * Asks the brokers whether they accept the declared config (validateOnly),
 * key by key when the whole set is refused, so each problem names its key.
 * `oldManaged` is set for an existing topic (its previously declared keys).
 */
async function configProblems(admin: Admin, spec: TopicSpec, oldManaged: readonly string[] | undefined): Promise<Array<{ property: string; reason: string }>> {
  const validate = async (config: Record<string, string>): Promise<string | undefined> => {
    try {
      if (oldManaged) {
        await applyConfig(admin, spec.name, desiredOverrides(await topicOverrides(admin, spec.name), oldManaged, config), true);
      } else {
        await admin.createTopics({
          validateOnly: true,
          waitForLeaders: false, // nothing is created, so there is nothing to wait for
          topics: [{ topic: spec.name, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }],
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
  const problems: Array<{ property: string; reason: string }> = [];
  for (const [key, value] of Object.entries(spec.config)) {
    const one = await validate({ [key]: value });
    if (one !== undefined) problems.push({ property: `config.${key}`, reason: `the cluster refuses ${JSON.stringify(value)} (${one})` });
  }
  return problems.length ? problems : [{ property: "config", reason: `the cluster refuses it (${whole})` }];
}

/** An existing topic as a spec: its partitions, replication factor and the overrides of the declared keys. */
async function existingSpec(admin: Admin, declared: TopicSpec): Promise<TopicSpec | undefined> {
  const md = await topicMetadata(admin, declared.name);
  if (!md) return undefined;
  const overrides = await topicOverrides(admin, declared.name);
  const config: Record<string, string> = {};
  for (const k of Object.keys(declared.config)) if (k in overrides) config[k] = overrides[k];
  return { name: declared.name, partitions: md.partitions.length, replicationFactor: Math.max(...md.partitions.map((p) => p.replicas.length)), config };
}

function specOf(i: KafkaTopicInputs): TopicSpec {
  return { name: i.name, partitions: i.partitions, replicationFactor: i.replicationFactor, config: i.config ?? {} };
}

/** Whether `news` declares the same topic on the same cluster as `olds`, with the same partitions, replication factor and config. */
function asksNothingNew(olds: KafkaTopicInputs | undefined, news: KafkaTopicInputs): boolean {
  if (!olds || typeof olds.partitions !== "number" || olds.bootstrapServers !== news.bootstrapServers) return false;
  const change = topicChange(specOf(olds), specOf(news));
  return !change.replace && change.partitions === undefined && change.replicationFactor === undefined && Object.keys(change.setConfig).length === 0 && change.resetConfig.length === 0;
}

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
