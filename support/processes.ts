// Small process and port checks for tests that must leave nothing behind.
import { execFile } from "node:child_process";
import * as net from "node:net";
import { promisify } from "node:util";

/** `pid args` lines of the processes whose command line mentions `text`. */
export async function processesMentioning(text: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)("ps", ["-eo", "pid,args"]);
  return stdout.split("\n").filter((l) => l.includes(text) && !l.includes(" ps "));
}

/** True when something accepts TCP connections on host:port. */
export function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}
