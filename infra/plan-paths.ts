// Pure: the config values that name places, on a host or here: the data
// directory (it reaches server.properties, zoo.cfg, the systemd unit and
// shell commands run as the host's user) and the Kafka release an ssh host
// installs, pinned by its SHA-512.
import { z } from "zod";
import { NO_CONTROL_CHARACTERS, hasControlCharacter } from "../lib/control-characters";

/** Characters a data directory may hold: none that a shell, systemd (`%`, `$`) or Kafka's log.dirs (`,`) reads. */
const SAFE_PATH = /^[A-Za-z0-9._/-]+$/;

/** Why `dir` cannot be the data directory, or undefined when it can; the first reason only. */
export function dataDirProblem(dir: string): string | undefined {
  if (hasControlCharacter(dir)) return NO_CONTROL_CHARACTERS;
  if (dir.includes(",")) return 'must not contain "," (Kafka\'s log.dirs is a list)';
  if (!SAFE_PATH.test(dir)) return 'must hold only letters, digits, ".", "_", "-" and "/"';
  if (!dir.startsWith("/")) return "must be an absolute path";
  const segments = dir.slice(1).split("/");
  if (dir === "/" || segments.some((s) => s === "" || s === "." || s === "..")) {
    return 'must be a normalized path below "/": no "." or ".." segments, no "//", no trailing "/"';
  }
  return undefined;
}

const SHA512 = /^[0-9a-fA-F]{128}$/;
const SHAPE = 'must be { url: "https://...", sha512 } or { file: "/path/to/kafka_2.13-<version>.tgz", sha512 }';

/** Why `url` cannot be downloaded by a host, or undefined. */
function urlProblem(url: string): string | undefined {
  if (hasControlCharacter(url)) return NO_CONTROL_CHARACTERS;
  // The WHATWG parser drops tabs and line breaks silently: checked above, on the text as given.
  if (!URL.canParse(url)) return "must be a URL";
  const { protocol, username, password } = new URL(url);
  if (protocol !== "https:" && protocol !== "file:") return 'must be an "https:" URL (or "file:" on the host)';
  if (username !== "" || password !== "") {
    // Stack config and state keep a URL in plain text, and hosts log their command lines.
    return (
      'must not hold a user name or password ("user:secret@"): serve the tarball where hosts need none, ' +
      "or upload it from here with { file, sha512 }"
    );
  }
  return undefined;
}

/** ssh target: where each host gets the Kafka release, and the SHA-512 it must have. */
export const distributionSchema = z
  .strictObject({ url: z.string().optional(), file: z.string().optional(), sha512: z.string().optional() })
  .superRefine((d, ctx) => {
    const add = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if ((d.url === undefined) === (d.file === undefined)) return add([], SHAPE);
    const where = d.url !== undefined ? urlProblem(d.url) : fileProblem(d.file!);
    if (where) add([d.url !== undefined ? "url" : "file"], where);
    if (d.sha512 === undefined) {
      add(["sha512"], "is required with an explicit url or file: the tarball's SHA-512 (sha512sum <tarball>)");
    } else if (!SHA512.test(d.sha512)) {
      add(["sha512"], "must be a SHA-512: 128 hex digits (sha512sum <tarball>)");
    }
  })
  .transform((d) => {
    const sha512 = d.sha512!.toLowerCase();
    return d.url !== undefined ? { url: d.url, sha512 } : { file: d.file!, sha512 };
  });

/** Why a tarball on this machine cannot be uploaded, or undefined. */
function fileProblem(file: string): string | undefined {
  if (file === "") return "must be the path of a release tarball";
  return hasControlCharacter(file) ? NO_CONTROL_CHARACTERS : undefined;
}
