// Pure: the preview summary's words for a process on a host (local, ssh),
// whose data lives in a data directory of its own, and for that directory:
// only the directory's delete removes data; a new path moves it (moveData).
import { quote } from "./preview-json";
import type { Change, Props } from "./preview-json";

/** What a process change does to its data: nothing but a move, which its update makes when the paths change. */
export function hostProcessChange(op: string, resource: string, keys: string, olds?: Props, news?: Props): Change {
  const from = Array.isArray(olds?.dirs) ? (olds!.dirs as string[]) : [];
  const to = Array.isArray(news?.dirs) ? (news!.dirs as string[]) : [];
  const moved = from.filter((d, i) => to[i] !== undefined && to[i] !== d).map((d) => `${d} → ${to[from.indexOf(d)]}`);
  switch (op) {
    case "delete":
      return { impact: "disruptive", resource, op, what: "stopped (its data stays in its data directory)" };
    case "update":
      return moved.length
        ? { impact: "disruptive", resource, op, what: `restarts; its data moves (${moved.join(", ")})` }
        : { impact: "disruptive", resource, op, what: `restarts (changed: ${keys})` };
    default:
      return {
        impact: "disruptive",
        resource,
        op,
        what: `replaced (${keys} changed): stopped and started again; its data stays where it was`,
      };
  }
}

/** A ZooKeeper node's or broker's data directory (LocalDataDirectory, RemoteDataDirectory). */
export function dataDirectoryChange(op: string, name: string, olds?: Props, news?: Props): Change {
  const path = String((olds ?? news)?.path ?? "?");
  const resource = `data directory ${quote(path)}`;
  if (op === "delete") return { impact: "destructive", resource, op, what: "removed with its data (unless in use)" };
  if (op === "create")
    return { impact: "safe", resource: `data directory ${quote(String(news?.path))}`, op, what: "created" };
  if (olds?.path !== news?.path) {
    return { impact: "disruptive", resource, op, what: `moves to ${quote(String(news?.path))} (moveData)` };
  }
  return { impact: "safe", resource, op, what: `${op} (${name})` };
}
