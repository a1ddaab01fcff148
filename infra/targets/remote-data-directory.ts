// A dynamic provider for one data directory on an ssh host (a ZooKeeper
// node's or broker's): made or adopted with our `owner` marker before its
// process starts, kept whatever happens to the process, removed only by its
// own delete, only when ours and not in use. A new host address makes the
// directory there and leaves the old host's data where it is.
//
// Pulumi serializes these functions into the state: plain values only.
import * as pulumi from "@pulumi/pulumi";
import { checkDataDirectory, diffDataDirectory, inUseMessage, type DataDirectoryInputs } from "./data-directory";
import { ownerOf } from "./ownership";
import { claimRemoteDir, isRemoteFreeFor, remoteInUse, removeRemoteWithParents } from "./remote-dirs";
import { remoteMarker } from "./remote-host";
import { withSsh, type SshConnection } from "./ssh-session";

export interface RemoteDataDirectoryInputs extends DataDirectoryInputs {
  readonly connection: SshConnection;
}

export const remoteDataDirectoryProvider: pulumi.dynamic.ResourceProvider<
  RemoteDataDirectoryInputs,
  RemoteDataDirectoryInputs
> = {
  async check(olds, news) {
    return { inputs: news, failures: checkDataDirectory(olds, news) };
  },

  async diff(_id, olds, news) {
    return diffDataDirectory({ ...olds }, { ...news });
  },

  async create(inputs) {
    await withSsh(inputs.connection, (ssh) => claimRemoteDir(ssh, inputs.path, inputs));
    return { id: inputs.path, outs: inputs };
  },

  /** A new path (moveData): made empty with our marker for the process's update to move the data into. */
  async update(_id, olds, news) {
    const sameHost = olds.connection.host === news.connection.host;
    await withSsh(news.connection, async (ssh) => {
      if (sameHost && news.path !== olds.path && !(await isRemoteFreeFor(ssh, news.path, news.stackId))) {
        throw new Error(`${news.label}: ${news.path} is not empty; ${olds.path} is not moved there (nothing changed)`);
      }
      await claimRemoteDir(ssh, news.path, news);
    });
    if (!sameHost) {
      console.warn(`${news.label}: ${olds.path} on ${olds.connection.host} is left there with its data`);
    }
    return { outs: news };
  },

  async delete(_id, state) {
    await withSsh(state.connection, async (ssh) => {
      const marker = await remoteMarker(ssh, state.path);
      if (ownerOf(marker, state.stackId) === "foreign") {
        console.warn(`${state.label}: ${state.path} belongs to another stack (stack id ${marker!.stackId}); kept`);
      } else if (await remoteInUse(ssh, marker)) {
        console.warn(inUseMessage(state.label, state.path, marker!.pid));
      } else {
        await removeRemoteWithParents(ssh, [state.path], state.cleanupRoot);
      }
    });
  },
};

/** `<scope>-zookeeper-<id>-data`, `<scope>-broker-<id>-data`: its process depends on it. */
export class RemoteDataDirectory extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  constructor(
    name: string,
    args: { [K in keyof RemoteDataDirectoryInputs]: pulumi.Input<RemoteDataDirectoryInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      remoteDataDirectoryProvider,
      name,
      args,
      { ...opts, additionalSecretOutputs: ["connection"] },
      "kafka-cluster",
      "RemoteDataDirectory",
    );
  }
}
