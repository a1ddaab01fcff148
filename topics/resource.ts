// The KafkaTopic resource. Pulumi stores a dynamic resource's provider, its
// functions serialized with everything they reach, in the state of every
// resource, inputs and outputs: for topics/provider.ts that was about 33 KB a
// topic, 33 MB of state for 500 topics, rewritten after every step. Here the
// serialized provider is a few lines that load topics/provider.ts, bundled by
// esbuild into node_modules/.cache/kafka-cluster/ when the program runs (and
// by set-up, for a destroy before any program run). A code change thus
// applies to existing topics at once, as it does for the rest of the program.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { bundleCjs, writeIfChanged } from "../infra/bundle";
import type { KafkaTopicInputs } from "./provider";

const ROOT = path.resolve(__dirname, "..");
/** Where the bundle goes, relative to the project directory (the provider host's working directory). */
export const PROVIDER_BUNDLE = "node_modules/.cache/kafka-cluster/topic-provider.js";

/** Bundles topics/provider.ts (npm packages stay requires, resolved from node_modules) and writes it where the resource loads it. */
export function buildTopicProvider(root = ROOT): string {
  const file = path.join(root, PROVIDER_BUNDLE);
  writeIfChanged(file, bundleCjs(path.join(root, "topics/provider.ts"), true));
  return file;
}

/** Serialized into the state: finds the bundle and forwards every call to it. */
function loadingProvider(bundle: string, absolute: string): pulumi.dynamic.ResourceProvider<KafkaTopicInputs, KafkaTopicInputs> {
  const load = (): pulumi.dynamic.ResourceProvider<KafkaTopicInputs, KafkaTopicInputs> => {
    const p = require("node:path") as typeof import("node:path");
    const f = require("node:fs") as typeof import("node:fs");
    const file = [p.resolve(bundle), absolute].find((c) => f.existsSync(c));
    if (!file) throw new Error(`the KafkaTopic provider's code is missing (${p.resolve(bundle)}): run 'npm run setup' or any 'pulumi preview' of this project to build it`);
    return require(file).kafkaTopicProvider;
  };
  return {
    check: (olds, news) => load().check!(olds, news),
    diff: (id, olds, news) => load().diff!(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read!(id, props),
    update: (id, olds, news) => load().update!(id, olds, news),
    delete: (id, props) => load().delete!(id, props),
  };
}

let provider: pulumi.dynamic.ResourceProvider<KafkaTopicInputs, KafkaTopicInputs> | undefined;

export type KafkaTopicArgs = { [K in keyof KafkaTopicInputs]: pulumi.Input<KafkaTopicInputs[K]> };

export class KafkaTopic extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly partitions: pulumi.Output<number>;
  declare readonly replicationFactor: pulumi.Output<number>;
  declare readonly config: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: KafkaTopicArgs, opts?: pulumi.CustomResourceOptions) {
    provider ??= loadingProvider(PROVIDER_BUNDLE, buildTopicProvider());
    super(provider, name, args, opts, "kafka-cluster", "KafkaTopic");
  }
}
