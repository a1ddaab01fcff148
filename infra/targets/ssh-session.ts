// A small promise API over ssh2 for the ssh target's dynamic providers:
// run commands, write files, upload a file. Modules are required inside the
// functions because Pulumi serializes the providers that call them.

export interface SshConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The private key (PEM/OpenSSH text), a Pulumi secret in stack config. */
  readonly privateKey: string;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SshSession {
  /** Runs a command through the login shell; never throws on a non-zero exit. */
  exec(command: string, stdin?: string | Buffer): Promise<ExecResult>;
  /** Runs a command and returns stdout; throws with stderr on a non-zero exit. */
  run(command: string, stdin?: string | Buffer): Promise<string>;
  /** Copies a local file to the host over SFTP. */
  upload(localPath: string, remotePath: string): Promise<void>;
  close(): void;
}

export async function openSsh(conn: SshConnection, timeoutMs = 20_000): Promise<SshSession> {
  const { Client } = require("ssh2") as typeof import("ssh2");
  const client = new Client();
  const where = `${conn.user}@${conn.host}:${conn.port}`;
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => resolve());
    client.once("error", (err: Error) => reject(new Error(`ssh ${where}: ${err.message}`)));
    client.connect({
      host: conn.host,
      port: conn.port,
      username: conn.user,
      privateKey: conn.privateKey,
      readyTimeout: timeoutMs,
      keepaliveInterval: 10_000,
    });
  });

  const exec = (command: string, stdin?: string | Buffer): Promise<ExecResult> =>
    new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(new Error(`ssh ${where}: ${err.message}`));
        let stdout = "";
        let stderr = "";
        stream.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
        stream.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        stream.on("close", (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
        stream.end(stdin ?? "");
      });
    });

  return {
    exec,
    async run(command, stdin) {
      const r = await exec(command, stdin);
      if (r.code !== 0) {
        throw new Error(
          `ssh ${where}: command failed (exit ${r.code}): ${command.slice(0, 200)}\n${(r.stderr || r.stdout).trim()}`,
        );
      }
      return r.stdout;
    },
    upload: (localPath, remotePath) =>
      new Promise((resolve, reject) => {
        client.sftp((err, sftp) => {
          if (err) return reject(new Error(`sftp ${where}: ${err.message}`));
          sftp.fastPut(localPath, remotePath, (putErr) => {
            sftp.end();
            if (putErr) reject(new Error(`sftp ${where}: upload of ${localPath} to ${remotePath}: ${putErr.message}`));
            else resolve();
          });
        });
      }),
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
