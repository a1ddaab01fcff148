import { describe, expect, it } from "vitest";
import {
  describeHolder,
  foreignDirMessage,
  heldMessage,
  isOurProcess,
  isZombieStat,
  listeningInodes,
  ownerOf,
  parseMarker,
  recordedStartTime,
  renderMarker,
  ssListener,
  startTimeOfStat,
} from "../../../../infra/targets/ownership";

const marker = { stackId: "local-1111", label: "hadoop-nn kafka broker 1", pid: 4242, startTime: "987654" };

// A /proc/<pid>/stat line of a JVM: the command name holds a space and a parenthesis.
const stat = (state: string, start: string): string =>
  `4242 (java (x) y) ${state} 1 4242 4242 0 -1 4194560 1 0 0 0 5 3 0 0 20 0 30 0 ${start} 123 456 18446744073709551615`;

describe("the owner marker", () => {
  it("round-trips, and tells ours, unmarked and another stack's apart", () => {
    expect(parseMarker(renderMarker(marker))).toEqual(marker);
    expect(ownerOf(parseMarker(renderMarker(marker)), "local-1111")).toBe("ours");
    expect(ownerOf(marker, "local-2222")).toBe("foreign");
    expect(ownerOf(undefined, "local-2222")).toBe("unmarked");
    expect(ownerOf(undefined, undefined)).toBe("unmarked");
  });

  it("older state (no stack id) owns only unmarked directories", () => {
    expect(ownerOf(marker, undefined)).toBe("foreign");
  });

  it("no file or an empty one is no marker; a file that is not a marker is someone else's", () => {
    expect(parseMarker(undefined)).toBeUndefined();
    expect(parseMarker("  \n")).toBeUndefined();
    expect(ownerOf(parseMarker("garbage"), "local-1111")).toBe("foreign");
    expect(ownerOf(parseMarker('{"stackId":"local-1111"}'), "local-1111")).toBe("foreign"); // no label: not ours
  });
});

describe("/proc/<pid>/stat", () => {
  it("reads field 22, the start time, after a command name with spaces and parentheses", () => {
    expect(startTimeOfStat(stat("S", "987654"))).toBe("987654");
    expect(startTimeOfStat(undefined)).toBeUndefined();
    expect(startTimeOfStat("4242 (java) S 1")).toBeUndefined();
  });

  it("knows a zombie", () => {
    expect(isZombieStat(stat("Z", "1"))).toBe(true);
    expect(isZombieStat(stat("S", "1"))).toBe(false);
  });
});

describe("whether a pid may be signalled", () => {
  const facts = { pid: 4242, recordedStartTime: "987654", liveStartTime: "987654", runsOurConfig: false };
  it("only the process we started: same pid and start time", () => {
    expect(isOurProcess(facts)).toBe(true);
    expect(isOurProcess({ ...facts, liveStartTime: "111" })).toBe(false); // reused pid
    expect(isOurProcess({ ...facts, liveStartTime: undefined })).toBe(false); // gone
    expect(isOurProcess({ ...facts, pid: 0 })).toBe(false);
  });

  it("older state without a start time: the process must run our config file", () => {
    expect(isOurProcess({ ...facts, recordedStartTime: undefined, runsOurConfig: true })).toBe(true);
    expect(isOurProcess({ ...facts, recordedStartTime: undefined, runsOurConfig: false })).toBe(false);
  });

  it("the start time compared is the state's, else the marker's for the same pid", () => {
    expect(recordedStartTime({ pid: 4242, startTime: "5" }, marker)).toBe("5");
    expect(recordedStartTime({ pid: 4242 }, marker)).toBe("987654");
    expect(recordedStartTime({ pid: 7 }, marker)).toBeUndefined();
    expect(recordedStartTime({ pid: 4242 }, undefined)).toBeUndefined();
  });
});

describe("who holds a port", () => {
  const tcp = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 010A007F:2384 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0",
    "   1: 010A007F:2384 020A007F:9999 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0",
    "   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 333 1 0",
  ].join("\n");
  const tcp6 =
    "   0: 0000000000000000FFFF0000010A007F:0885 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444 1 0";

  it("finds listeners on the address, IPv4-mapped as a JVM binds, or on the wildcard; not connections", () => {
    expect(listeningInodes(tcp, { host: "127.0.10.1", port: 9092 })).toEqual(["111"]);
    expect(listeningInodes(tcp, { host: "127.0.10.2", port: 9092 })).toEqual([]);
    expect(listeningInodes(tcp, { host: "127.0.10.9", port: 8080 })).toEqual(["333"]); // 0.0.0.0:8080
    expect(listeningInodes(`${tcp}\n${tcp6}`, { host: "127.0.10.1", port: 2181 })).toEqual(["444"]);
  });

  it("reads ss -Hltnp: the pid, unknown when ss shows none, null when free", () => {
    const ss = [
      'LISTEN 0 50 [::ffff:10.0.0.1]:9092 *:* users:(("java",pid=4242,fd=120))',
      "LISTEN 0 50 10.0.0.1:2181 0.0.0.0:*",
      'LISTEN 0 511 *:8080 *:* users:(("node",pid=77,fd=20))',
    ].join("\n");
    expect(ssListener(ss, { host: "10.0.0.1", port: 9092 })).toBe(4242);
    expect(ssListener(ss, { host: "10.0.0.1", port: 2181 })).toBeUndefined();
    expect(ssListener(ss, { host: "10.0.0.2", port: 8080 })).toBe(77);
    expect(ssListener(ss, { host: "10.0.0.2", port: 9092 })).toBeNull();
  });
});

describe("refusals", () => {
  it("name the holder: another stack's process from its marker, or what its command line says", () => {
    const facts = { pid: 4242, startTime: "987654", cwd: "/d/hadoop-nn/run/kafka" };
    expect(describeHolder(marker, facts, "local-2222")).toBe(
      "hadoop-nn kafka broker 1 of another stack (stack id local-1111) at /d/hadoop-nn/run/kafka",
    );
    expect(describeHolder(marker, facts, "local-1111")).toMatch(/^hadoop-nn kafka broker 1 of this stack, not in its/);
    const stale = { ...facts, startTime: "1", cmdline: "java -cp x kafka.Kafka /e/server.properties" };
    expect(describeHolder(marker, stale, "local-2222")).toBe("a Kafka broker at /d/hadoop-nn/run/kafka");
    expect(describeHolder(undefined, { pid: 9, cmdline: "nc -l 9092" }, "x")).toBe("nc");
    expect(describeHolder(undefined, { pid: 9 }, "x")).toBe("another process");
  });

  it("say what is held and by whom, and that nothing changed", () => {
    const at = { host: "127.0.10.1", port: 9092 };
    expect(heldMessage("hadoop-nn kafka broker 1", at, { pid: 4242, description: "a Kafka broker at /d" })).toBe(
      "hadoop-nn kafka broker 1: 127.0.10.1:9092 is held by pid 4242 (a Kafka broker at /d); nothing was changed",
    );
    expect(heldMessage("b", at, undefined)).toBe("b: 127.0.10.1:9092 is held by another process; nothing was changed");
    expect(foreignDirMessage("b", "/d/run/kafka", marker)).toMatch(
      /^b: \/d\/run\/kafka belongs to another stack \(stack id local-1111, hadoop-nn kafka broker 1, pid 4242\); nothing was changed/,
    );
  });
});
