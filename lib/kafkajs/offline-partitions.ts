// kafkajs 2.2.4 throws away a whole Metadata answer when one partition carries
// an error (an offline partition answers LEADER_NOT_AVAILABLE; kafkajs issues
// #639, #1460), and its admin client refreshes metadata for every topic on
// every call. So one offline partition anywhere makes every admin call fail,
// describeConfigs and describeCluster included, just when an operator needs
// to see the cluster. This keeps partition errors in the parsed answer
// (leader -1, as the broker sent it) and still throws on topic errors.
// It patches kafkajs's own response parsers in this process only; kafkajs is
// pinned and in maintenance mode, and the describe tests exercise the patch.
// A reader that needs topic errors kept too is lib/kafka/raw-metadata.ts.

interface MetadataAnswer {
  readonly topicMetadata: ReadonlyArray<{ readonly topicErrorCode: number }>;
}

interface ResponseModule {
  parse: (data: MetadataAnswer) => Promise<MetadataAnswer>;
}

let patched = false;

/** kafkajs's Metadata response modules, v0 to v6. Literal paths, so that esbuild's bundles carry them. */
function metadataResponses(): ResponseModule[] {
  return [
    require("kafkajs/src/protocol/requests/metadata/v0/response"),
    require("kafkajs/src/protocol/requests/metadata/v1/response"),
    require("kafkajs/src/protocol/requests/metadata/v2/response"),
    require("kafkajs/src/protocol/requests/metadata/v3/response"),
    require("kafkajs/src/protocol/requests/metadata/v4/response"),
    require("kafkajs/src/protocol/requests/metadata/v5/response"),
    require("kafkajs/src/protocol/requests/metadata/v6/response"),
  ] as ResponseModule[];
}

export function tolerateOfflinePartitions(): void {
  if (patched) return;
  const { version } = require("kafkajs/package.json") as { version: string };
  if (version !== "2.2.4") {
    throw new Error(
      `lib/kafkajs/offline-partitions.ts patches kafkajs 2.2.4's metadata parsing; found kafkajs ${version}: check the patch still fits`,
    );
  }
  const { createErrorFromCode } = require("kafkajs/src/protocol/error") as {
    createErrorFromCode: (code: number) => Error;
  };
  const parse = async (data: MetadataAnswer): Promise<MetadataAnswer> => {
    const failed = data.topicMetadata.find((t) => t.topicErrorCode !== 0);
    if (failed) throw createErrorFromCode(failed.topicErrorCode);
    return data;
  };
  for (const mod of metadataResponses()) mod.parse = parse;
  patched = true;
}
