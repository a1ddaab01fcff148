// A dynamic provider for one data directory on this machine (a ZooKeeper
// node's or broker's, `local` target): made or adopted with our `owner`
// marker before its process starts, kept whatever happens to the process,
// and removed only by its own delete, only when ours and not in use.
//
// Pulumi serializes these functions into the state: modules are required
// inside them and only plain values are captured.
import * as pulumi from "@pulumi/pulumi";
import { checkDataDirectory, diffDataDirectory, inUseMessage, type DataDirectoryInputs } from "./data-directory";
import { claimDir, inUse, isFreeFor, removeWithParents } from "./local-dirs";
import { readMarker } from "./local-host";
import { ownerOf } from "./ownership";

export type LocalDataDirectoryInputs = DataDirectoryInputs;

export const localDataDirectoryProvider: pulumi.dynamic.ResourceProvider<
  LocalDataDirectoryInputs,
  LocalDataDirectoryInputs
> = {
  async check(olds, news) {
    return { inputs: news, failures: checkDataDirectory(olds, news) };
  },

  async diff(_id, olds, news) {
    return diffDataDirectory({ ...olds }, { ...news });
  },

  async create(inputs) {
    claimDir(inputs.path, inputs);
    return { id: inputs.path, outs: inputs };
  },

  /** A new path (moveData): made empty with our marker; the process's update moves the data into it. */
  async update(_id, olds, news) {
    if (news.path !== olds.path && !isFreeFor(news.path, news.stackId)) {
      throw new Error(`${news.label}: ${news.path} is not empty; ${olds.path} is not moved there (nothing changed)`);
    }
    claimDir(news.path, news);
    return { outs: news };
  },

  async delete(_id, state) {
    const marker = readMarker(state.path);
    if (ownerOf(marker, state.stackId) === "foreign") {
      console.warn(`${state.label}: ${state.path} belongs to another stack (stack id ${marker!.stackId}); kept`);
      return;
    }
    if (inUse(marker)) {
      console.warn(inUseMessage(state.label, state.path, marker!.pid));
      return;
    }
    removeWithParents(state.path, state.cleanupRoot);
  },
};

/** `<scope>-zookeeper-<id>-data`, `<scope>-broker-<id>-data`: its process depends on it. */
export class LocalDataDirectory extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  constructor(
    name: string,
    args: { [K in keyof LocalDataDirectoryInputs]: pulumi.Input<LocalDataDirectoryInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(localDataDirectoryProvider, name, args, opts, "kafka-cluster", "LocalDataDirectory");
  }
}
