// A small promise API over ssh2 for the ssh target's dynamic providers:
// run commands, write files, upload a file. The host must show the key
// pinned for it (or the stack says insecureIgnoreHostKey), and every command
// and upload has a deadline. Modules are required inside the functions
// because Pulumi serializes the providers that call them.
import { fingerprintOf, hostKeyAlgorithms, parseHostKey, type HostKey } from "../../lib/ssh-host-key";

export interface SshConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The private key (PEM/OpenSSH text), a Pulumi secret in stack config. */
  readonly privateKey: string;
  /** The host's public key, `<type> <base64>` as in known_hosts: any other key is refused. */
  readonly hostKey?: string;
  /** Set by the stack (kafka-cluster:insecureIgnoreHostKey) for a host without hostKey: any key is accepted. */
  readonly insecureIgnoreHostKey?: boolean;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** What the command is for, in the error when it times out; default its first line. */
  readonly purpose?: string;
  /** Its deadline; default COMMAND_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

/** A remote command's deadline unless its caller gives another (a download, an unpack). */
export const COMMAND_TIMEOUT_MS = 120_000;

export interface SshSession {
  /** Runs a command through the login shell; never throws on a non-zero exit, throws on its deadline. */
  exec(command: string, stdin?: string | Buffer, opts?: ExecOptions): Promise<ExecResult>;
  /** Runs a command and returns stdout; throws with stderr on a non-zero exit. */
  run(command: string, stdin?: string | Buffer, opts?: ExecOptions): Promise<string>;
  /** Copies a local file to the host over SFTP. */
  upload(localPath: string, remotePath: string, opts?: ExecOptions): Promise<void>;
  close(): void;
}

/** The pinned key of `conn`, undefined when the stack ignores host keys; throws when it has neither. */
function pinnedKey(conn: SshConnection, where: string): HostKey | undefined {
  if (conn.hostKey === undefined || conn.hostKey === "") {
    if (conn.insecureIgnoreHostKey === true) return undefined;
    throw new Error(
      `ssh ${where}: no host key is pinned for ${conn.host}; set kafka-cluster:hosts[].hostKey ` +
        `(ssh-keyscan ${conn.host}) or kafka-cluster:insecureIgnoreHostKey: true; nothing was done`,
    );
  }
  const key = parseHostKey(conn.hostKey);
  if (typeof key === "string") throw new Error(`ssh ${where}: the pinned host key ${key}; nothing was done`);
  return key;
}

/** Connects, checking the host's key against the pinned one before anything is sent. */
async function connect(conn: SshConnection, where: string, timeoutMs: number): Promise<import("ssh2").Client> {
  const { Client } = require("ssh2") as typeof import("ssh2");
  const pinned = pinnedKey(conn, where);
  const expected = pinned && Buffer.from(pinned.base64, "base64");
  let shown: Buffer | undefined;
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => resolve());
    client.once("error", (err: Error) => {
      if (expected && shown && !shown.equals(expected)) {
        reject(
          new Error(
            `ssh ${where}: host ${conn.host} showed key ${fingerprintOf(shown)}, not the pinned ` +
              `${fingerprintOf(expected)} (kafka-cluster:hosts[].hostKey); refused before logging in, nothing was sent`,
          ),
        );
      } else reject(new Error(`ssh ${where}: ${err.message}`));
    });
    client.connect({
      host: conn.host,
      port: conn.port,
      username: conn.user,
      privateKey: conn.privateKey,
      readyTimeout: timeoutMs,
      keepaliveInterval: 10_000,
      ...(pinned
        ? {
            algorithms: { serverHostKey: hostKeyAlgorithms(pinned) as never },
            hostVerifier: (key: Buffer) => {
              shown = key;
              return key.equals(expected!);
            },
          }
        : {}),
    });
  });
  return client;
}

/** ssh2's protocol object: sends a channel's "signal" request. */
interface ProtocolSignal {
  signal?(channelId: number, name: string): void;
}

const purposeOf = (command: string, opts: ExecOptions): string =>
  opts.purpose ?? `"${command.split("\n")[0]!.slice(0, 120)}"`;

/** `fn` with a deadline: on expiry `onTimeout` runs (closing what it started) and the promise rejects with `message`. */
function withDeadline<T>(
  timeoutMs: number,
  message: () => string,
  onTimeout: () => void,
  fn: (resolve: (v: T) => void, reject: (e: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      onTimeout();
      reject(new Error(message()));
    }, timeoutMs);
    const settle =
      <A>(f: (a: A) => void) =>
      (a: A) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f(a);
      };
    fn(settle(resolve), settle(reject));
  });
}

type Client = import("ssh2").Client;

const expired = (where: string, what: string, ms: number) => () =>
  `ssh ${where}: ${what} did not finish within ${Math.round(ms / 1000)} s; its channel was closed`;

/**
 * The command under the host's own deadline, a few seconds after ours (so
 * ours reports first): `timeout` KILLs it where the host has coreutils, as
 * a closed channel does not end a command and OpenSSH takes no signal
 * request in a root session.
 */
export function withHostDeadline(command: string, ms: number): string {
  const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
  const secs = Math.ceil(ms / 1000) + 5;
  return (
    `if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL ${secs} sh -c ${q(command)}; ` +
    `else exec sh -c ${q(command)}; fi`
  );
}

/** Ends a command's channel: KILL where the server takes signal requests (OpenSSH, not for root), then close. */
function killChannel(channel: import("ssh2").ClientChannel | undefined): void {
  if (!channel) return;
  // Channel.signal sends nothing once stdin is ended, so through the protocol; closing ends it either way.
  const c = channel as unknown as { outgoing?: { id?: number }; _client?: { _protocol?: ProtocolSignal } };
  if (c.outgoing?.id !== undefined) c._client?._protocol?.signal?.(c.outgoing.id, "KILL");
  channel.close();
}

function execOn(client: Client, where: string, command: string, stdin?: string | Buffer, opts: ExecOptions = {}) {
  const ms = opts.timeoutMs ?? COMMAND_TIMEOUT_MS;
  let channel: import("ssh2").ClientChannel | undefined;
  const timedOut = expired(where, purposeOf(command, opts), ms);
  return withDeadline<ExecResult>(
    ms,
    timedOut,
    () => killChannel(channel),
    (resolve, reject) => {
      client.exec(withHostDeadline(command, ms), (err, stream) => {
        if (err) return reject(new Error(`ssh ${where}: ${err.message}`));
        channel = stream;
        let stdout = "";
        let stderr = "";
        stream.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
        stream.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        stream.on("close", (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
        stream.end(stdin ?? "");
      });
    },
  );
}

function uploadOn(client: Client, where: string, localPath: string, remotePath: string, opts: ExecOptions = {}) {
  const ms = opts.timeoutMs ?? COMMAND_TIMEOUT_MS;
  let sftpSession: import("ssh2").SFTPWrapper | undefined;
  const what = opts.purpose ?? `the upload of ${localPath} to ${remotePath}`;
  return withDeadline<void>(
    ms,
    expired(where, what, ms),
    () => sftpSession?.end(),
    (resolve, reject) => {
      client.sftp((err, sftp) => {
        if (err) return reject(new Error(`sftp ${where}: ${err.message}`));
        sftpSession = sftp;
        sftp.fastPut(localPath, remotePath, (putErr) => {
          sftp.end();
          if (putErr) reject(new Error(`sftp ${where}: ${what}: ${putErr.message}`));
          else resolve();
        });
      });
    },
  );
}

export async function openSsh(conn: SshConnection, timeoutMs = 20_000): Promise<SshSession> {
  const where = `${conn.user}@${conn.host}:${conn.port}`;
  const client = await connect(conn, where, timeoutMs);
  const exec: SshSession["exec"] = (command, stdin, opts) => execOn(client, where, command, stdin, opts);
  return {
    exec,
    async run(command, stdin, opts) {
      const r = await exec(command, stdin, opts);
      if (r.code !== 0) {
        throw new Error(
          `ssh ${where}: command failed (exit ${r.code}): ${opts?.purpose ?? command.slice(0, 200)}\n${(r.stderr || r.stdout).trim()}`,
        );
      }
      return r.stdout;
    },
    upload: (localPath, remotePath, opts) => uploadOn(client, where, localPath, remotePath, opts),
    close: () => client.end(),
  };
}

/** Opens a session, runs fn, always closes. */
export async function withSsh<T>(conn: SshConnection, fn: (s: SshSession) => Promise<T>): Promise<T> {
  const session = await openSsh(conn);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

/** The connection without what only verifies the host: a change of that alone changes nothing that runs. */
export function endpointOf(conn: SshConnection): Omit<SshConnection, "hostKey" | "insecureIgnoreHostKey"> {
  const { hostKey: _k, insecureIgnoreHostKey: _i, ...rest } = conn;
  return rest;
}

/**
 * `old` (a connection from state, maybe older than host keys) with the host
 * verification of `current` when both reach the same host and port.
 */
export function verifiedLike(old: SshConnection, current: SshConnection): SshConnection {
  if (old.host !== current.host || old.port !== current.port) return old;
  const { hostKey, insecureIgnoreHostKey } = current;
  return {
    ...endpointOf(old),
    ...(hostKey !== undefined ? { hostKey } : {}),
    ...(insecureIgnoreHostKey !== undefined ? { insecureIgnoreHostKey } : {}),
  };
}

/**
 * A process provider's diff with the host verification apart: `diffOf`
 * compares the inputs without it; a change of the verification alone is a
 * change (recorded in state) that restarts nothing (`restart: false`).
 */
export function diffOfConnection<D extends { changes: boolean }>(
  olds: { connection: SshConnection },
  news: { connection: SshConnection },
  diffOf: (olds: Record<string, unknown>, news: Record<string, unknown>) => D,
): D & { restart: boolean } {
  // A connection may be missing from hand-made inputs: compared as it is.
  const endpoint = (c: SshConnection | undefined) => c && endpointOf(c);
  const d = diffOf(
    { ...olds, connection: endpoint(olds.connection) },
    { ...news, connection: endpoint(news.connection) },
  );
  const verification = (c: SshConnection | undefined) =>
    JSON.stringify([c?.hostKey ?? null, c?.insecureIgnoreHostKey ?? null]);
  const changed = verification(olds.connection) !== verification(news.connection);
  return { ...d, changes: d.changes || changed, restart: d.changes };
}
