// A dynamic provider for one process on a host reached over SSH (a ZooKeeper
// node, broker or service of the `ssh` target): a systemd unit with restart on
// failure where the host runs systemd, otherwise a detached process with a
// pid file. Create returns when the service is ready (checked from here);
// delete stops it and removes its work directory (remote-service.ts), never
// its data directories (remote-data-directory.ts). Its `owner` markers keep
// it from stopping or removing another stack's (infra/targets/ownership.ts).
import * as pulumi from "@pulumi/pulumi";
import { renderSystemdUnit, shellQuote } from "../render";
import { contentOf } from "../../lib/file-content";
import { restartInTurn } from "../roll/index";
import { RESTART_KEYS, codeOnly, diffProcess, rewriteOnly } from "./process-spec";
import { waitUntilReady } from "./readiness";
import { checkRemoteStart, remoteListensOn, remoteStartTime, unitWorkDir, writeRemoteMarkers } from "./remote-host";
import {
  checkRelocation,
  mainPid,
  outFile,
  pidFile,
  privileged,
  relocateRemote,
  removeRemoteWorkDir,
  runningRemote,
  stopRemote,
  unitPath,
  type RemoteProcessInputs,
  type RemoteProcessOutputs,
  type ServiceManager,
} from "./remote-service";
import { diffOfConnection, verifiedLike, withSsh, type SshSession } from "./ssh-session";

export type { RemoteProcessInputs, RemoteProcessOutputs, ServiceManager } from "./remote-service";

const q = shellQuote;

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

async function writeFiles(ssh: SshSession, inputs: RemoteProcessInputs): Promise<void> {
  for (const [file, content] of Object.entries(inputs.files)) {
    await ssh.run(`mkdir -p "$(dirname ${q(file)})" && cat > ${q(file)}`, contentOf(content));
  }
}

async function launch(ssh: SshSession, inputs: RemoteProcessInputs, manager: ServiceManager): Promise<void> {
  await ssh.run(`mkdir -p ${[inputs.workDir, ...inputs.dirs].map(q).join(" ")}`);
  await writeFiles(ssh, inputs);
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
      if (removeOnFailure) await removeRemoteWorkDir(ssh, inputs).catch(() => undefined);
      throw err;
    }
  });
}

/**
 * Inputs whose change restarts the service in place: a new key or port of the
 * same host is the same host; a new unit or service manager stops the old one
 * as the old state says and starts the new.
 */
export const REMOTE_RESTART_KEYS: readonly string[] = [...RESTART_KEYS, "connection", "unit", "serviceManager"];

/** What a new address does (`connection.host`): the one replace; the data stays on the old host. */
export const REMOTE_REPLACE_KEYS: readonly string[] = ["connection.host"];

/** Restart in place for every input but the host's address, which is a new process on another host. */
export function diffRemoteProcess(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): ReturnType<typeof diffProcess> {
  const d = diffProcess(olds, news, REMOTE_RESTART_KEYS);
  const host = (c: unknown): unknown => (c as { host?: unknown } | undefined)?.host;
  const moved = olds.connection !== undefined && host(olds.connection) !== host(news.connection);
  return moved ? { ...d, replaces: [...d.replaces, "connection"] } : d;
}

const foreign = (s: RemoteProcessInputs): string =>
  `${s.label}: ${s.workDir} on ${s.connection.host} belongs to another stack`;

export const remoteProcessProvider: pulumi.dynamic.ResourceProvider<RemoteProcessInputs, RemoteProcessOutputs> = {
  async create(inputs) {
    const started = await startRemote(inputs, true);
    return { id: `${inputs.connection.host}:${inputs.unit}`, outs: { ...inputs, ...started } };
  },

  async diff(_id, olds, news) {
    // A pinned host key alone (added, or the host re-keyed) is recorded without a restart.
    const { restart: _restart, ...d } = diffOfConnection(olds, news, diffRemoteProcess);
    return d;
  },

  async update(_id, olds, news) {
    const kept = { outs: { ...news, manager: olds.manager, pid: olds.pid, startTime: olds.startTime } };
    if (codeOnly({ ...olds }, { ...news })) return kept;
    if (!diffOfConnection(olds, news, diffRemoteProcess).restart && olds.running !== false) {
      await withSsh(news.connection, async () => undefined); // the host shows the key now pinned
      return kept;
    }
    // Settings Kafka applies live (LiveBrokerSettings does): the file is rewritten for the next start, no restart.
    if (rewriteOnly({ ...olds }, { ...news })) {
      await withSsh(news.connection, (ssh) => writeFiles(ssh, news));
      return kept;
    }
    let started: Started | undefined;
    // One broker (or ensemble node) at a time, each gated (infra/roll/); other processes at once.
    await restartInTurn(news.roll, { label: news.label, expectRunning: olds.running !== false }, async () => {
      // The same host (a new address is a replace): stop the old as its state says, move, start the new.
      await withSsh(verifiedLike(olds.connection, news.connection), async (ssh) => {
        await checkRelocation(ssh, olds, news);
        if ((await stopRemote(ssh, olds, 30_000)) === "foreign") throw new Error(`${foreign(olds)}: not restarted`);
        await relocateRemote(ssh, olds, news);
      });
      started = await startRemote(news, false);
    });
    return { outs: { ...news, ...started! } };
  },

  // Self-healing: a refresh notes a service that is gone; the next `up` starts it again on its data.
  async read(id, props) {
    const state = props as RemoteProcessOutputs;
    const alive = await withSsh(state.connection, (ssh) => runningRemote(ssh, state));
    const { running: _was, ...rest } = state;
    return { id, props: alive ? rest : { ...rest, running: false } };
  },

  async delete(_id, state) {
    await withSsh(state.connection, async (ssh) => {
      if ((await stopRemote(ssh, state, 5_000)) === "foreign") {
        console.warn(`${foreign(state)}: left running and dropped from this stack's state`);
        return;
      }
      await removeRemoteWorkDir(ssh, state);
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
