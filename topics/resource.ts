// The KafkaTopic resource. A dynamic resource carries its provider's code in
// its own state, inputs and outputs (the `__provider` property, a CommonJS
// module that Pulumi's Node.js dynamic provider host loads), and the file
// backend rewrites the whole state after every step. `pulumi.dynamic.Resource`
// serializes the provider's functions with everything they reach: for
// the provider that was about 33 KB a topic, 33 MB of state for 500
// topics. Here `__provider` is a module of a few lines that loads
// topics/provider/, bundled by esbuild into node_modules/.cache/kafka-cluster/
// when the program loads (and by set-up, for a destroy before any program
// run; destroy does not run the program, so it uses the bundle the last run
// or set-up built). A code change thus applies to existing topics at once, as
// it does for the rest of the program, and as Pulumi allows: a changed
// `__provider` is not itself a change of the resource.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { BUILD_CACHE, bundleCjs } from "../lib/bundle";
import type { KafkaTopicInputs } from "./provider";

const ROOT = path.resolve(__dirname, "..");
/** Where the bundle goes, relative to the project directory (the provider host's working directory). */
export const PROVIDER_BUNDLE = `${BUILD_CACHE}/topic-provider.js`;

/** Bundles topics/provider/ (npm packages stay requires, resolved from node_modules) and writes it where the resource loads it. */
export function buildTopicProvider(root = ROOT): string {
  const file = path.join(root, PROVIDER_BUNDLE);
  bundleCjs({ root, entry: "topics/provider/index.ts", out: file, externalPackages: true });
  return file;
}

/**
 * The `__provider` module: its `handler` returns the provider, as with a
 * serialized `pulumi.dynamic.ResourceProvider`. Short on purpose, since every
 * topic's state holds it twice: the bundle's path is relative to the project
 * directory, where Pulumi runs the provider host.
 */
export function providerModule(bundle: string): string {
  return (
    `exports.handler = () => { try { return require(require("path").resolve(${JSON.stringify(bundle)})).kafkaTopicProvider; } ` +
    `catch (e) { throw new Error("KafkaTopic: " + e.message + " (run 'npm run setup' or any 'pulumi preview' to build it)"); } };\n`
  );
}

// Built when the program loads, whether or not it declares topics: the
// deletes of topics removed from the declaration run this code too.
buildTopicProvider();
const PROVIDER_MODULE = providerModule(PROVIDER_BUNDLE);

export type KafkaTopicArgs = { [K in keyof KafkaTopicInputs]: pulumi.Input<KafkaTopicInputs[K]> };

/** A Kafka topic, kept as declared by topics/provider/. The type token is a dynamic resource's, so the Node.js dynamic provider host serves it. */
export class KafkaTopic extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly partitions: pulumi.Output<number>;
  declare readonly replicationFactor: pulumi.Output<number>;
  declare readonly config: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: KafkaTopicArgs, opts?: pulumi.CustomResourceOptions) {
    // The SDK reads a stack trace for every promise it makes, several per
    // property, for its report of leaked promises; through ts-node's source
    // maps each costs about a millisecond, seconds of every preview of
    // hundreds of topics. None while registering (the resource's own source
    // position is captured regardless).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super("pulumi-nodejs:dynamic/kafka-cluster:KafkaTopic", name, { ...args, __provider: PROVIDER_MODULE }, opts);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
