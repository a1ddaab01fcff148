// A dynamic provider for one process on a host reached over SSH (a ZooKeeper
// node, broker or service of the `ssh` target): a systemd unit with restart on
// failure where the host runs systemd, otherwise a detached process with a
// pid file. Create returns when the service is ready (checked from here);
// delete stops it and removes what it made.
import * as pulumi from "@pulumi/pulumi";
import { renderSystemdUnit, shellQuote } from "../render";
import { contentOf } from "../../lib/file-content";
import { RESTART_KEYS, diffProcess, type ProcessInputs } from "./process-spec";
import { waitUntilReady } from "./readiness";
import { withSsh, type SshConnection, type SshSession } from "./ssh-session";

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

async function startRemote(inputs: RemoteProcessInputs): Promise<ServiceManager> {
  return withSsh(inputs.connection, async (ssh) => {
    const java = await ssh.exec(`command -v ${q(inputs.command)}`);
    if (java.code !== 0) {
      throw new Error(
        `${inputs.label}: '${inputs.command}' is not installed on ${inputs.connection.host}; install Java 17 or newer there`,
      );
    }
    const manager = await chooseManager(ssh, inputs);
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
    try {
      await waitUntilReady(inputs.ready, {
        label: inputs.label,
        timeoutMs: inputs.readyTimeoutMs,
        alive: () => isAlive(ssh, inputs, manager),
        tail: () => tail(ssh, inputs, manager),
      });
    } catch (err) {
      await stopRemote(ssh, { ...inputs, manager }, 0);
      throw err;
    }
    return manager;
  });
}

/** Stops the service: SIGTERM, then SIGKILL after graceMs. */
async function stopRemote(ssh: SshSession, s: RemoteProcessOutputs, graceMs: number): Promise<void> {
  if (s.manager === "systemd") {
    // systemd does the TERM/KILL sequence itself (TimeoutStopSec).
    await ssh.run(
      privileged(
        s,
        `systemctl disable --now ${q(s.unit)} 2>/dev/null; rm -f ${q(unitPath(s.unit))}; systemctl daemon-reload`,
      ),
    );
    return;
  }
  if (!(await isAlive(ssh, s, "process"))) return;
  const tenths = Math.max(1, Math.ceil(graceMs / 100));
  await ssh.run(
    [
      `pid=$(cat ${q(pidFile(s))})`,
      `kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid"`,
      `i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt ${tenths} ]; do sleep 0.1; i=$((i+1)); done`,
      `kill -KILL -- -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true`,
      `while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done`,
    ].join("; "),
  );
}

async function removeRemote(ssh: SshSession, s: RemoteProcessInputs): Promise<void> {
  const dirs = [...s.dirs, s.workDir].map(q).join(" ");
  // Then the empty parents this stack made, up to the root it was given.
  await ssh.run(
    `rm -rf ${dirs}; for d in ${dirs}; do p=$(dirname "$d"); while case "$p/" in ${q(s.cleanupRoot.replace(/\/$/, ""))}/*) true;; *) false;; esac && rmdir "$p" 2>/dev/null; do p=$(dirname "$p"); done; done; true`,
  );
}

/** Inputs whose change restarts the service in place: a new key or port of the same host is the same host. */
export const REMOTE_RESTART_KEYS: readonly string[] = [...RESTART_KEYS, "connection"];

export const remoteProcessProvider: pulumi.dynamic.ResourceProvider<RemoteProcessInputs, RemoteProcessOutputs> = {
  async create(inputs) {
    try {
      const manager = await startRemote(inputs);
      return {
        id: `${inputs.connection.host}:${inputs.unit}`,
        outs: { ...inputs, manager } satisfies RemoteProcessOutputs,
      };
    } catch (err) {
      await withSsh(inputs.connection, (ssh) => removeRemote(ssh, inputs)).catch(() => undefined);
      throw err;
    }
  },

  async diff(_id, olds, news) {
    return diffProcess({ ...olds }, { ...news }, REMOTE_RESTART_KEYS);
  },

  async update(_id, olds, news) {
    await withSsh(olds.connection, (ssh) => stopRemote(ssh, olds, 30_000));
    const manager = await startRemote(news);
    return { outs: { ...news, manager } satisfies RemoteProcessOutputs };
  },

  async delete(_id, state) {
    await withSsh(state.connection, async (ssh) => {
      await stopRemote(ssh, state, 5_000);
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
