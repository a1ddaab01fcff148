// A dynamic provider for one process on a host reached over SSH (a ZooKeeper
// node, broker or service of the `ssh` target): a systemd unit with restart on
// failure where the host runs systemd, otherwise a detached process with a
// pid file. Create returns when the service is ready (checked from here);
// delete stops it and removes what it made. Its `owner` markers keep it from
// stopping or removing another stack's (infra/targets/ownership.ts).
import * as pulumi from "@pulumi/pulumi";
import { renderSystemdUnit, shellQuote } from "../render";
import { contentOf } from "../../lib/file-content";
import { isOurProcess, ownerOf, recordedStartTime, type Marker } from "./ownership";
import { RESTART_KEYS, diffProcess, type ProcessInputs } from "./process-spec";
import { waitUntilReady } from "./readiness";
import {
  checkRemoteStart,
  remoteListensOn,
  remoteMarker,
  remotePidsRunning,
  remoteStartTime,
  unitWorkDir,
  writeRemoteMarkers,
} from "./remote-host";
import { diffOfConnection, verifiedLike, withSsh, type SshConnection, type SshSession } from "./ssh-session";

export type ServiceManager = "systemd" | "process";

export interface RemoteProcessInputs extends ProcessInputs {
  readonly connection: SshConnection;
  /** systemd unit name (without .service), also names the pid file. */
  readonly unit: string;
  /** "auto" picks systemd when the host runs it. */
  readonly serviceManager: ServiceManager | "auto";
}

export interface RemoteProcessOutputs extends RemoteProcessInputs {
  /** The manager actually used. */
  readonly manager: ServiceManager;
  /** The pid started and its /proc start time; absent in state of older versions. */
  readonly pid?: number;
  readonly startTime?: string;
}

const q = shellQuote;
const unitPath = (unit: string): string => `/etc/systemd/system/${unit}.service`;
const pidFile = (s: RemoteProcessInputs): string => `${s.workDir}/${s.unit}.pid`;
const outFile = (s: RemoteProcessInputs): string => `${s.workDir}/process.out`;

/** Runs as root directly, or through passwordless sudo. */
const privileged = (s: RemoteProcessInputs, cmd: string): string =>
  s.connection.user === "root" ? cmd : `sudo -n sh -c ${q(cmd)}`;

async function chooseManager(ssh: SshSession, inputs: RemoteProcessInputs): Promise<ServiceManager> {
  if (inputs.serviceManager !== "auto") return inputs.serviceManager;
  const r = await ssh.exec("test -d /run/systemd/system && command -v systemctl >/dev/null");
  return r.code === 0 ? "systemd" : "process";
}

function isAlive(ssh: SshSession, s: RemoteProcessInputs, manager: ServiceManager): Promise<boolean> {
  const cmd =
    manager === "systemd"
      ? `systemctl is-active --quiet ${q(s.unit)}`
      : // The pid may have been reused: check it still runs our config file.
        `pid=$(cat ${q(pidFile(s))} 2>/dev/null) && kill -0 "$pid" 2>/dev/null && tr '\\0' ' ' < /proc/"$pid"/cmdline | grep -qF -- ${q(s.args[s.args.length - 1] ?? "")}`;
  return ssh.exec(cmd).then((r) => r.code === 0);
}

async function tail(ssh: SshSession, s: RemoteProcessInputs, manager: ServiceManager): Promise<string> {
  const cmd =
    manager === "systemd"
      ? privileged(s, `journalctl -u ${q(s.unit)} -n 15 --no-pager`)
      : `tail -n 15 ${q(outFile(s))}`;
  return (await ssh.exec(cmd)).stdout.trimEnd();
}

/** The pid the manager runs: systemd's MainPID, or the pid file's; 0 when none. */
async function mainPid(ssh: SshSession, s: RemoteProcessInputs, manager: ServiceManager): Promise<number> {
  const cmd = manager === "systemd" ? `systemctl show -p MainPID ${q(s.unit)}` : `cat ${q(pidFile(s))}`;
  const r = await ssh.exec(`${cmd} 2>/dev/null`);
  return Number(/(\d+)\s*$/.exec(r.stdout.trim())?.[1] ?? 0);
}

/** Refuses, changing nothing, a directory or port of another's, or a systemd unit of the same name run from elsewhere. */
async function checkStart(ssh: SshSession, inputs: RemoteProcessInputs, manager: ServiceManager): Promise<void> {
  await checkRemoteStart(ssh, inputs);
  const unitDir = manager === "systemd" ? await unitWorkDir(ssh, unitPath(inputs.unit)) : undefined;
  if (unitDir !== undefined && unitDir !== inputs.workDir) {
    throw new Error(
      `${inputs.label}: systemd unit ${inputs.unit} on ${inputs.connection.host} already runs from ${unitDir} ` +
        `(another stack of the same name?); nothing was changed`,
    );
  }
}

async function launch(ssh: SshSession, inputs: RemoteProcessInputs, manager: ServiceManager): Promise<void> {
  await ssh.run(`mkdir -p ${[inputs.workDir, ...inputs.dirs].map(q).join(" ")}`);
  for (const [file, content] of Object.entries(inputs.files)) {
    await ssh.run(`mkdir -p "$(dirname ${q(file)})" && cat > ${q(file)}`, contentOf(content));
  }
  if (manager === "systemd") {
    const unit = renderSystemdUnit({
      description: inputs.label,
      user: inputs.connection.user,
      workDir: inputs.workDir,
      command: (await ssh.run(`command -v ${q(inputs.command)}`)).trim(),
      args: inputs.args,
    });
    await ssh.run(privileged(inputs, `cat > ${q(unitPath(inputs.unit))}`), unit);
    await ssh.run(privileged(inputs, `systemctl daemon-reload && systemctl enable --now ${q(inputs.unit)}`));
  } else {
    // setsid: its own session, so it outlives the SSH session. Only the
    // simple command goes to the background: nohup and setsid exec, so $! is
    // the JVM's pid, and nothing left running holds the channel's stdout
    // (a backgrounded `cd && ...` list would be a subshell that does, and
    // the exec would never end).
    const cmd = [inputs.command, ...inputs.args].map(q).join(" ");
    await ssh.run(
      `cd ${q(inputs.workDir)} || exit 1; nohup setsid ${cmd} > ${q(outFile(inputs))} 2>&1 < /dev/null & echo $! > ${q(pidFile(inputs))}`,
    );
  }
}

interface Started {
  readonly manager: ServiceManager;
  readonly pid: number;
  readonly startTime: string;
}

/**
 * Checks, starts, marks and waits until the process we started (alive, and
 * holding its ports where the host says who does) is ready. A failed create
 * removes what it wrote; a failed restart keeps the directories (data).
 */
async function startRemote(inputs: RemoteProcessInputs, removeOnFailure: boolean): Promise<Started> {
  return withSsh(inputs.connection, async (ssh) => {
    const java = await ssh.exec(`command -v ${q(inputs.command)}`);
    if (java.code !== 0) {
      throw new Error(
        `${inputs.label}: '${inputs.command}' is not installed on ${inputs.connection.host}; install Java 17 or newer there`,
      );
    }
    const manager = await chooseManager(ssh, inputs);
    await checkStart(ssh, inputs, manager);
    try {
      await launch(ssh, inputs, manager);
      const pid = await mainPid(ssh, inputs, manager);
      const startTime = (await remoteStartTime(ssh, pid)) ?? "";
      if (inputs.stackId !== undefined) {
        const marker = { stackId: inputs.stackId, label: inputs.label, pid, startTime };
        await writeRemoteMarkers(ssh, [inputs.workDir, ...inputs.dirs], marker);
      }
      await waitUntilReady(inputs.ready, {
        label: inputs.label,
        timeoutMs: inputs.readyTimeoutMs,
        alive: () => isAlive(ssh, inputs, manager),
        tail: () => tail(ssh, inputs, manager),
        owns: async () => {
          const now = await mainPid(ssh, inputs, manager); // systemd may have restarted it
          for (const at of inputs.listens ?? []) if (!(await remoteListensOn(ssh, now, at))) return false;
          return true;
        },
      });
      return { manager, pid, startTime };
    } catch (err) {
      await stopRemote(ssh, { ...inputs, manager }, 0).catch(() => undefined);
      if (removeOnFailure) await removeRemote(ssh, inputs).catch(() => undefined);
      throw err;
    }
  });
}

/** Whether the pid file's process is still the one we started (start time; older state: its config file). */
async function ourProcess(ssh: SshSession, s: RemoteProcessOutputs, marker: Marker | undefined): Promise<number> {
  const pid = await mainPid(ssh, s, "process");
  const recorded = recordedStartTime({ pid, startTime: pid === s.pid ? s.startTime : undefined }, marker);
  const live = await remoteStartTime(ssh, pid);
  const cmdline = live === undefined ? "" : (await ssh.exec(`tr '\\0' ' ' < /proc/${pid}/cmdline`)).stdout;
  const runsOurConfig = cmdline.includes(s.args[s.args.length - 1] ?? "\u0000");
  return isOurProcess({ pid, recordedStartTime: recorded, liveStartTime: live, runsOurConfig }) ? pid : 0;
}

/**
 * Stops the service if it is ours: SIGTERM, then SIGKILL after graceMs.
 * "foreign" when the work directory carries another stack's marker: nothing
 * is signalled. A missing unit, pid file or directory is already stopped.
 */
async function stopRemote(ssh: SshSession, s: RemoteProcessOutputs, graceMs: number): Promise<"stopped" | "foreign"> {
  const marker = await remoteMarker(ssh, s.workDir);
  if (ownerOf(marker, s.stackId) === "foreign") return "foreign";
  if (s.manager === "systemd") {
    const unitDir = await unitWorkDir(ssh, unitPath(s.unit));
    if (unitDir !== undefined && unitDir !== s.workDir) {
      console.warn(`${s.label}: systemd unit ${s.unit} runs from ${unitDir}, not ours; left alone`);
      return "stopped";
    }
    // systemd does the TERM/KILL sequence itself (TimeoutStopSec); the unit is the identity of what it runs.
    await ssh.run(
      privileged(
        s,
        `systemctl disable --now ${q(s.unit)} 2>/dev/null; rm -f ${q(unitPath(s.unit))}; systemctl daemon-reload`,
      ),
    );
    return "stopped";
  }
  const pid = await ourProcess(ssh, s, marker);
  if (pid === 0) return "stopped";
  const tenths = Math.max(1, Math.ceil(graceMs / 100));
  await ssh.run(
    [
      `pid=${pid}`,
      `kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null`,
      `i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt ${tenths} ]; do sleep 0.1; i=$((i+1)); done`,
      `kill -KILL -- -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true`,
      `i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; true`,
    ].join("; "),
  );
  return "stopped";
}

/**
 * Removes the directories that are ours (our marker, or none: made before
 * markers), then their empty parents up to cleanupRoot; nothing while a
 * process still runs our config file.
 */
async function removeRemote(ssh: SshSession, s: RemoteProcessInputs): Promise<void> {
  const running = await remotePidsRunning(ssh, s.args[s.args.length - 1] ?? "");
  if (running.length > 0) {
    console.warn(`${s.label}: pid ${running.join(", ")} still runs from ${s.workDir}; its directories are kept`);
    return;
  }
  const ours: string[] = [];
  for (const d of [...s.dirs, s.workDir]) {
    if (ownerOf(await remoteMarker(ssh, d), s.stackId) === "foreign") {
      console.warn(`${s.label}: ${d} belongs to another stack; kept`);
    } else ours.push(d);
  }
  if (ours.length === 0) return;
  const dirs = ours.map(q).join(" ");
  // Then the empty parents this stack made, up to the root it was given.
  await ssh.run(
    `rm -rf ${dirs}; for d in ${dirs}; do p=$(dirname "$d"); while case "$p/" in ${q(s.cleanupRoot.replace(/\/$/, ""))}/*) true;; *) false;; esac && rmdir "$p" 2>/dev/null; do p=$(dirname "$p"); done; done; true`,
  );
}

/** Inputs whose change restarts the service in place: a new key or port of the same host is the same host. */
export const REMOTE_RESTART_KEYS: readonly string[] = [...RESTART_KEYS, "connection"];

const foreign = (s: RemoteProcessInputs): string =>
  `${s.label}: ${s.workDir} on ${s.connection.host} belongs to another stack`;

export const remoteProcessProvider: pulumi.dynamic.ResourceProvider<RemoteProcessInputs, RemoteProcessOutputs> = {
  async create(inputs) {
    const started = await startRemote(inputs, true);
    return { id: `${inputs.connection.host}:${inputs.unit}`, outs: { ...inputs, ...started } };
  },

  async diff(_id, olds, news) {
    // A pinned host key alone (added, or the host re-keyed) is recorded without a restart.
    const { restart: _restart, ...d } = diffOfConnection(olds, news, (o, n) => diffProcess(o, n, REMOTE_RESTART_KEYS));
    return d;
  },

  async update(_id, olds, news) {
    if (!diffOfConnection(olds, news, (o, n) => diffProcess(o, n, REMOTE_RESTART_KEYS)).restart) {
      await withSsh(news.connection, async () => undefined); // the host shows the key now pinned
      return { outs: { ...news, manager: olds.manager, pid: olds.pid, startTime: olds.startTime } };
    }
    const stopped = await withSsh(verifiedLike(olds.connection, news.connection), (ssh) =>
      stopRemote(ssh, olds, 30_000),
    );
    if (stopped === "foreign") throw new Error(`${foreign(olds)}: not restarted`);
    const started = await startRemote(news, false);
    return { outs: { ...news, ...started } };
  },

  async delete(_id, state) {
    await withSsh(state.connection, async (ssh) => {
      if ((await stopRemote(ssh, state, 5_000)) === "foreign") {
        console.warn(`${foreign(state)}: left running and dropped from this stack's state`);
        return;
      }
      await removeRemote(ssh, state);
    });
  },
};

export class RemoteProcess extends pulumi.dynamic.Resource {
  declare readonly manager: pulumi.Output<ServiceManager>;
  constructor(
    name: string,
    args: { [K in keyof RemoteProcessInputs]: pulumi.Input<RemoteProcessInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      remoteProcessProvider,
      name,
      { ...args, manager: undefined },
      { ...opts, additionalSecretOutputs: ["connection"] },
      "kafka-cluster",
      "RemoteProcess",
    );
  }
}
