// A dynamic provider that installs a Kafka release on a host over SSH, from a
// release tarball URL (downloaded by the host) or a tarball on this machine
// (uploaded), checked against its SHA-512 on the host before it is unpacked.
// The result is <kafkaHome>/libs, which ZooKeeper and the broker run from.
// kafkaHome carries the stack's `owner` marker: another stack's installation
// is refused at create and kept at delete, which removes only ours.
import * as pulumi from "@pulumi/pulumi";
import type { KafkaDistribution } from "../plan";
import { shellQuote as q } from "../render";
import { ownerOf, type Marker } from "./ownership";
import { changedInputs } from "./process-spec";
import { remoteMarker, writeRemoteMarkers } from "./remote-host";
import { withSsh, type SshConnection, type SshSession } from "./ssh-session";

/** The tarball, and the SHA-512 it must have (only the default URL comes without one: a preview warning). */
export type KafkaSource = KafkaDistribution;

const tarballOf = (s: KafkaSource): string => ("url" in s ? s.url : s.file);

export interface RemoteKafkaInstallInputs {
  readonly label: string;
  readonly connection: SshConnection;
  readonly version: string;
  readonly source: KafkaSource;
  /** Where the release is unpacked on the host. */
  readonly kafkaHome: string;
  /** Empty parents of kafkaHome are removed on delete, up to and including this one. */
  readonly cleanupRoot: string;
  /** The stack's identity (StackIdentity), written in kafkaHome's `owner` marker. Absent in older state. */
  readonly stackId?: string;
}

/** How long a host gets to fetch the release (download or upload, ~120 MB) and to unpack it. */
const TRANSFER_TIMEOUT_MS = 15 * 60_000;
const UNPACK_TIMEOUT_MS = 10 * 60_000;

/** The marker of an installation: no process runs from it. */
const markerOf = (s: RemoteKafkaInstallInputs & { stackId: string }): Marker => ({
  stackId: s.stackId,
  label: s.label,
  pid: 0,
  startTime: "",
});

/** Refuses, before anything is changed, a kafkaHome another stack's marker claims. */
async function checkOwner(ssh: SshSession, s: RemoteKafkaInstallInputs): Promise<void> {
  const marker = await remoteMarker(ssh, s.kafkaHome);
  if (ownerOf(marker, s.stackId) !== "foreign") return;
  throw new Error(
    `${s.label}: ${s.kafkaHome} on ${s.connection.host} is the Kafka installation of another stack ` +
      `(stack id ${marker!.stackId}, ${marker!.label}); nothing was changed. Give this stack its own dataDir, ` +
      "or destroy the other stack first",
  );
}

/** Writes our marker where there is none yet (an installation of an older version is claimed). */
async function claim(ssh: SshSession, s: RemoteKafkaInstallInputs): Promise<void> {
  if (s.stackId === undefined || (await remoteMarker(ssh, s.kafkaHome)) !== undefined) return;
  await writeRemoteMarkers(ssh, [s.kafkaHome], markerOf({ ...s, stackId: s.stackId }));
}

async function fetchTarball(ssh: SshSession, inputs: RemoteKafkaInstallInputs, tarball: string): Promise<void> {
  const opts = { timeoutMs: TRANSFER_TIMEOUT_MS, purpose: `the download of ${tarballOf(inputs.source)}` };
  if ("url" in inputs.source) {
    await ssh.run(
      `if command -v curl >/dev/null; then curl -fsSL -o ${q(tarball)} ${q(inputs.source.url)}; ` +
        `else wget -q -O ${q(tarball)} ${q(inputs.source.url)}; fi`,
      undefined,
      opts,
    );
  } else {
    await ssh.upload(inputs.source.file, tarball, { ...opts, purpose: `the upload of ${inputs.source.file}` });
  }
}

async function install(inputs: RemoteKafkaInstallInputs): Promise<void> {
  await withSsh(inputs.connection, async (ssh) => {
    const home = inputs.kafkaHome;
    const jar = `${home}/libs/kafka_2.13-${inputs.version}.jar`;
    await checkOwner(ssh, inputs);
    if ((await ssh.exec(`test -f ${q(`${home}/.complete`)} && test -f ${q(jar)}`)).code === 0) {
      await claim(ssh, inputs);
      return;
    }
    const tarball = `${home}.tgz.part`;
    await ssh.run(`rm -rf ${q(home)} && mkdir -p ${q(home)}`);
    await claim(ssh, inputs);
    await fetchTarball(ssh, inputs, tarball);
    if (inputs.source.sha512 !== undefined) await verifySha512(ssh, inputs, tarball, inputs.source.sha512);
    await ssh.run(`tar -xzf ${q(tarball)} -C ${q(home)} --strip-components=1 && rm -f ${q(tarball)}`, undefined, {
      timeoutMs: UNPACK_TIMEOUT_MS,
      purpose: `unpacking ${tarballOf(inputs.source)} into ${home}`,
    });
    const found = await ssh.exec(`test -f ${q(jar)}`);
    if (found.code !== 0) {
      throw new Error(
        `${inputs.label}: ${tarballOf(inputs.source)} does not contain libs/kafka_2.13-${inputs.version}.jar; is it the Kafka ${inputs.version} release (Scala 2.13)?`,
      );
    }
    await ssh.run(`touch ${q(`${home}/.complete`)}`);
  });
}

/** The tarball's SHA-512 computed on the host (sha512sum, or openssl where there is none), before anything is unpacked. */
export async function verifySha512(
  ssh: SshSession,
  inputs: RemoteKafkaInstallInputs,
  tarball: string,
  expected: string,
): Promise<void> {
  const out = await ssh.run(
    `if command -v sha512sum >/dev/null; then sha512sum < ${q(tarball)}; ` +
      `elif command -v openssl >/dev/null; then openssl dgst -sha512 -r < ${q(tarball)}; ` +
      `else echo "neither sha512sum nor openssl is installed" >&2; exit 127; fi`,
    undefined,
    { timeoutMs: UNPACK_TIMEOUT_MS, purpose: `the SHA-512 of ${tarball}` },
  );
  const actual = out.trim().split(/\s+/)[0]!.toLowerCase();
  if (actual === expected.toLowerCase()) return;
  await ssh.exec(`rm -f ${q(tarball)}`);
  throw new Error(
    `${inputs.label}: ${tarballOf(inputs.source)} has SHA-512 ${actual}, expected ${expected.toLowerCase()} ` +
      `(kafka-cluster:kafka.distribution.sha512); it was not unpacked`,
  );
}

/** Removes the installation if it is ours (our marker, or none), then its empty parents up to cleanupRoot. */
async function uninstall(s: RemoteKafkaInstallInputs): Promise<void> {
  await withSsh(s.connection, async (ssh) => {
    const marker = await remoteMarker(ssh, s.kafkaHome);
    if (ownerOf(marker, s.stackId) === "foreign") {
      console.warn(`${s.label}: ${s.kafkaHome} on ${s.connection.host} belongs to another stack; kept`);
      return;
    }
    await ssh.run(
      `rm -rf ${q(s.kafkaHome)}; p=$(dirname ${q(s.kafkaHome)}); ` +
        `while case "$p/" in ${q(s.cleanupRoot.replace(/\/$/, ""))}/*) true;; *) false;; esac && rmdir "$p" 2>/dev/null; do p=$(dirname "$p"); done; true`,
    );
  });
}

export const remoteKafkaInstallProvider: pulumi.dynamic.ResourceProvider<
  RemoteKafkaInstallInputs,
  RemoteKafkaInstallInputs
> = {
  async create(inputs) {
    try {
      await install(inputs);
    } catch (err) {
      // Removes only what is ours: a refused (another stack's) installation is kept.
      await uninstall(inputs).catch(() => undefined);
      throw err;
    }
    return { id: `${inputs.connection.host}:${inputs.kafkaHome}`, outs: inputs };
  },
  async diff(_id, olds, news) {
    const changed = changedInputs({ ...olds }, { ...news });
    // A new version or tarball is a new installation; the label and key are not, nor a
    // checksum pinned on the tarball already installed (a different one is another tarball).
    const replaces = changed.filter(
      (k) =>
        k === "version" ||
        k === "kafkaHome" ||
        (k === "source" &&
          (tarballOf(olds.source) !== tarballOf(news.source) ||
            (olds.source.sha512 !== undefined && news.source.sha512 !== olds.source.sha512))),
    );
    // A new version unpacks beside the old one (kafkaHome names the version): made first, the
    // processes roll onto it one at a time, and the old one goes last. The same kafkaHome with
    // another tarball can only be emptied first.
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: olds.kafkaHome === news.kafkaHome };
  },
  async update(_id, olds, news) {
    // Connecting checks the host shows the key now pinned. State of an older
    // version has no stack id: the installation becomes ours now.
    await withSsh(news.connection, async (ssh) => {
      if (olds.stackId !== undefined || news.stackId === undefined) return;
      await checkOwner(ssh, news);
      await claim(ssh, news);
    });
    return { outs: news };
  },
  async delete(_id, state) {
    await uninstall(state);
  },
};

export class RemoteKafkaInstall extends pulumi.dynamic.Resource {
  declare readonly kafkaHome: pulumi.Output<string>;
  constructor(
    name: string,
    args: { [K in keyof RemoteKafkaInstallInputs]: pulumi.Input<RemoteKafkaInstallInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      remoteKafkaInstallProvider,
      name,
      args,
      { ...opts, additionalSecretOutputs: ["connection"] },
      "kafka-cluster",
      "RemoteKafkaInstall",
    );
  }
}
