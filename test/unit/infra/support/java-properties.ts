// A reader of .properties files as java.util.Properties.load(InputStream)
// reads them (Kafka's Utils.loadProps and ZooKeeper's QuorumPeerConfig do):
// the bytes as ISO-8859-1, logical lines joined by a trailing backslash,
// `#`/`!` comments, the key ending at an unescaped `=`, `:` or whitespace.

const WHITESPACE = new Set([" ", "\t", "\f"]);

/** The logical lines: comments and blank lines dropped, continuations joined, leading whitespace skipped. */
function logicalLines(text: string): string[] {
  const natural = text.split(/\r\n|\r|\n/);
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of natural) {
    let i = 0;
    while (i < raw.length && WHITESPACE.has(raw[i]!)) i++;
    const line = raw.slice(i);
    if (pending === undefined && (line === "" || line[0] === "#" || line[0] === "!")) continue;
    const trailing = /\\*$/.exec(line)![0].length;
    const body = trailing % 2 === 1 ? line.slice(0, -1) : line;
    const joined = (pending ?? "") + body;
    if (trailing % 2 === 1) pending = joined;
    else {
      lines.push(joined);
      pending = undefined;
    }
  }
  if (pending !== undefined) lines.push(pending);
  return lines;
}

function unescape(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === undefined) break;
    if (n === "u") {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += n === "t" ? "\t" : n === "n" ? "\n" : n === "r" ? "\r" : n === "f" ? "\f" : n;
  }
  return out;
}

/** Splits a logical line at the first unescaped separator: `=`, `:` or whitespace. */
function splitEntry(line: string): [string, string] {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\") i++;
    else if (c === "=" || c === ":" || WHITESPACE.has(c)) break;
  }
  const key = line.slice(0, i);
  let j = i;
  while (j < line.length && WHITESPACE.has(line[j]!)) j++;
  if (j < line.length && (line[j] === "=" || line[j] === ":")) j++;
  while (j < line.length && WHITESPACE.has(line[j]!)) j++;
  return [unescape(key), unescape(line.slice(j))];
}

/** The properties in a file's bytes; later keys win, as in Java. */
export function loadProperties(bytes: Buffer): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of logicalLines(bytes.toString("latin1"))) {
    const [key, value] = splitEntry(line);
    map.set(key, value);
  }
  return map;
}
