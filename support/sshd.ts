// Real OpenSSH servers on loopback addresses, one per "host", for the ssh
// target's end-to-end test. Each sshd has its own config, host key and PID
// namespace (so everything started over SSH, even detached with setsid, dies
// with it), shares one client key made here, and dies with this process.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { waitFor } from "../lib/poll";
import { killGroup, killOnExit, removeOnExit } from "./exit-cleanup";

const exec = promisify(execFile);
const SSHD = "/usr/sbin/sshd";

export interface SshHost {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** The client's private key, OpenSSH format (ed25519). */
  readonly privateKey: string;
  /** The sshd's own public key, `ssh-ed25519 <base64>` as known_hosts has it: what a client pins. */
  readonly hostKey: string;
}

export interface SshHosts {
  readonly hosts: readonly SshHost[];
  /** Stops every sshd (and all it started) and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface SshHostsOptions {
  /** One sshd per address, e.g. 127.0.40.1, .2, .3. */
  readonly addresses: readonly string[];
  readonly port: number;
  /** How long to wait until every sshd answers with its banner. Default 20 s. */
  readonly readyTimeoutMs?: number;
}

export class SshdStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\n--- sshd log ---\n${logTail}` : message);
    this.name = "SshdStartError";
  }
}

/** The sshd_config of one host: key authentication for `user` only, nothing that needs a real system set-up. */
export function renderSshdConfig(o: {
  address: string;
  port: number;
  hostKey: string;
  pidFile: string;
  authorizedKeys: string;
  user: string;
}): string {
  return [
    `ListenAddress ${o.address}:${o.port}`,
    `HostKey ${o.hostKey}`,
    `PidFile ${o.pidFile}`,
    `AuthorizedKeysFile ${o.authorizedKeys}`,
    `AllowUsers ${o.user}`,
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    // Temp dirs and keys owned by whoever runs the tests; no PAM stack needed.
    "StrictModes no",
    "UsePAM no",
    "Subsystem sftp internal-sftp",
    "LogLevel INFO",
    "",
  ].join("\n");
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** True once host:port accepts a connection and sends an SSH banner ("SSH-2.0-..."). */
function answersBanner(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2_000 });
    let seen = "";
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.on("data", (d: Buffer) => {
      seen += d.toString("latin1");
      if (seen.includes("\n")) done(seen.startsWith("SSH-2.0-"));
    });
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
    socket.once("end", () => done(false));
  });
}

/** Logs in with the client key and runs `true`; resolves with why it failed, or undefined. */
async function loginFails(host: SshHost): Promise<string | undefined> {
  const { Client } = await import("ssh2");
  const client = new Client();
  try {
    return await new Promise<string | undefined>((resolve) => {
      client.once("error", (err: Error) => resolve(err.message));
      client.once("ready", () =>
        client.exec("true", (err, stream) => {
          if (err) return resolve(err.message);
          stream
            .on("close", (code: number | null) => resolve(code === 0 ? undefined : `'true' exited with ${code}`))
            .resume();
        }),
      );
      client.connect({
        host: host.address,
        port: host.port,
        username: host.user,
        privateKey: host.privateKey,
        readyTimeout: 5_000,
        // The harness checks the key it made, as the program does.
        hostVerifier: (key: Buffer) => key.equals(Buffer.from(host.hostKey.split(" ")[1]!, "base64")),
      });
    });
  } finally {
    client.end();
  }
}

/** One started sshd: the host it serves, its process and its log. */
interface Sshd {
  readonly host: SshHost;
  readonly child: ChildProcess;
  readonly log: string;
}

/** The client key pair in `dir`: its private key, and the authorized_keys file every sshd reads. */
async function clientKey(dir: string): Promise<{ privateKey: string; authorizedKeys: string }> {
  const key = path.join(dir, "client_ed25519");
  await exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "kafka-cluster-test", "-f", key]);
  const authorizedKeys = path.join(dir, "authorized_keys");
  fs.copyFileSync(`${key}.pub`, authorizedKeys);
  return { privateKey: fs.readFileSync(key, "utf8"), authorizedKeys };
}

/** Writes one host's key and config under `dir` and starts its sshd. */
async function spawnSshd(dir: string, at: Omit<SshHost, "hostKey">, authorizedKeys: string): Promise<Sshd> {
  const { address, port, user } = at;
  const hostDir = path.join(dir, address);
  fs.mkdirSync(hostDir);
  const hostKey = path.join(hostDir, "ssh_host_ed25519_key");
  await exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", address, "-f", hostKey]);
  const [type, base64] = fs.readFileSync(`${hostKey}.pub`, "utf8").trim().split(" ");
  const host: SshHost = { ...at, hostKey: `${type} ${base64}` };
  const config = path.join(hostDir, "sshd_config");
  const pidFile = path.join(hostDir, "sshd.pid");
  fs.writeFileSync(config, renderSshdConfig({ address, port, hostKey, pidFile, authorizedKeys, user }));
  const log = path.join(hostDir, "sshd.log");
  const out = fs.openSync(log, "a");
  // setpriv: dies with this process; unshare: a PID namespace of its own,
  // torn down with sshd, so processes started over SSH die with it too.
  const child = spawn(
    "setpriv",
    [
      "--pdeathsig",
      "KILL",
      "--",
      "unshare",
      "--pid",
      "--fork",
      "--kill-child",
      "--mount-proc",
      "--",
      SSHD,
      "-D",
      "-e",
      "-f",
      config,
    ],
    { cwd: hostDir, detached: true, stdio: ["ignore", out, out] },
  );
  fs.closeSync(out);
  killOnExit(child);
  return { host, child, log };
}

/**
 * Ready: each sshd answers with its banner (polled until one deadline for
 * all), then a key login runs a command (once: a failure there is no race).
 */
async function waitForSshds(sshds: readonly Sshd[], readyTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  for (const { host, child, log } of sshds) {
    const at = `sshd for ${host.address}:${host.port}`;
    const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
    await waitFor(() => answersBanner(host.address, host.port), {
      timeoutMs: Math.max(0, deadline - Date.now()),
      intervalMs: 50,
      what: `${at} to send its SSH banner`,
      abort: () => (exited() ? new SshdStartError(`${at} exited during start-up`, tail(log)) : undefined),
      timeoutError: () => new SshdStartError(`${at} sent no SSH banner within ${readyTimeoutMs} ms`, tail(log)),
    });
    const failure = await loginFails(host);
    if (failure !== undefined) throw new SshdStartError(`${at} refused the test key's login: ${failure}`, tail(log));
  }
}

/** SIGTERM to each sshd's group (SIGKILL after 5 s), then the temp dir goes; once. */
function stopper(dir: string, sshds: readonly Sshd[], dirRemoved: () => void): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      sshds.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, "exit");
        killGroup(child, "SIGTERM");
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    fs.rmSync(dir, { recursive: true, force: true });
    dirRemoved();
  };
}

export async function startSshHosts(options: SshHostsOptions): Promise<SshHosts> {
  if (!fs.existsSync(SSHD))
    throw new SshdStartError(`${SSHD} not found; install openssh-server (npm run setup does)`, "");
  // unshare --pid and sshd's privilege separation directory need root.
  if (process.getuid?.() !== 0) {
    throw new SshdStartError(
      "the sshd harness runs as root (a PID namespace per sshd); run the ssh end-to-end test as root",
      "",
    );
  }
  const user = os.userInfo().username;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-sshd-"));
  const sshds: Sshd[] = [];
  const stop = stopper(dir, sshds, removeOnExit(dir));
  try {
    const { privateKey, authorizedKeys } = await clientKey(dir);
    // sshd's privilege separation directory; a fresh container may lack it.
    fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    for (const address of options.addresses) {
      sshds.push(await spawnSshd(dir, { address, port: options.port, user, privateKey }, authorizedKeys));
    }
    await waitForSshds(sshds, options.readyTimeoutMs ?? 20_000);
    return { hosts: sshds.map((s) => s.host), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
