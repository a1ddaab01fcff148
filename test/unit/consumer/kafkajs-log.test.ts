import { logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { kafkajsLogCreator } from "../../../consumer/kafkajs-log";

function capture() {
  const lines: Array<[string, object, string]> = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push([level, obj, msg]);
  const sink = {
    fatal: at("fatal"),
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
  };
  return { lines, sink: sink as never };
}

const refused = (broker: string) => ({
  namespace: "Connection",
  level: logLevel.ERROR,
  label: "ERROR",
  log: { timestamp: "t", logger: "kafkajs", message: `Connection error: connect ECONNREFUSED ${broker}`, broker },
});

describe("kafkajs log lines", () => {
  it("writes a repeated message once per interval, then with how many were held back", () => {
    let now = 0;
    const { lines, sink } = capture();
    const log = kafkajsLogCreator(sink, { everyMs: 10_000, now: () => now })();
    for (let i = 0; i < 25; i++, now += 400) log(refused("b1:9092"));
    // t = 0 written; t = 400 .. 9600 held (24); t = 10 000 is the 26th entry.
    log(refused("b1:9092"));
    expect(lines.map(([level, obj, msg]) => [level, (obj as { repeated?: number }).repeated, msg])).toEqual([
      ["error", undefined, "Connection error: connect ECONNREFUSED b1:9092"],
      ["error", 24, "Connection error: connect ECONNREFUSED b1:9092"],
    ]);
    expect(lines[1]![1]).toMatchObject({ broker: "b1:9092", logger: "kafkajs" });
  });

  it("keeps messages about different brokers, and different messages, apart", () => {
    const { lines, sink } = capture();
    const log = kafkajsLogCreator(sink, { now: () => 0 })();
    log(refused("b1:9092"));
    log(refused("b2:9092"));
    log({
      namespace: "Runner",
      level: logLevel.WARN,
      label: "WARN",
      log: { timestamp: "t", logger: "kafkajs", message: "The group is rebalancing" },
    });
    log(refused("b1:9092"));
    expect(lines.map(([level, , msg]) => `${level} ${msg}`)).toEqual([
      "error Connection error: connect ECONNREFUSED b1:9092",
      "error Connection error: connect ECONNREFUSED b2:9092",
      "warn The group is rebalancing",
    ]);
  });
});
