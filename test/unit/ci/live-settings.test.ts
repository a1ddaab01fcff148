// The preview summary of broker settings applied live: LiveBrokerSettings'
// steps are safe ("applied live, no restart"), and a broker process whose
// provider applies those keys live only has its server.properties rewritten.
import { describe, expect, it } from "vitest";
import { renderMarkdown, summarize, type PreviewJson } from "../../../ci/summary";
import { LIVE_BROKER_SETTINGS } from "../../../infra/live-settings";
import { renderServerProperties } from "../../../infra/render";

const LIVE = "pulumi-nodejs:dynamic/kafka-cluster:LiveBrokerSettings";
const PROCESS = "pulumi-nodejs:dynamic/kafka-cluster:LocalProcess";
const urn = (type: string, name: string) =>
  `urn:pulumi:prod::kafka-cluster::kafka-cluster:infra:KafkaCluster$${type}::${name}`;
const live = (settings: Record<string, string>) => ({
  type: LIVE,
  custom: true,
  inputs: { bootstrapServers: "127.0.10.1:9092", brokerIds: [1, 2, 3], settings, timeoutMs: 30000 },
});
const broker = (settings: Record<string, string | number>, liveKeys?: readonly string[]) => ({
  type: PROCESS,
  custom: true,
  inputs: {
    label: "hadoop-nn kafka broker 1",
    files: {
      "/d/broker-1/server.properties": renderServerProperties({
        id: 1,
        host: "127.0.10.1",
        port: 9092,
        zookeeperConnect: "127.0.10.1:2181",
        logDir: "/d/kafka-logs",
        settings,
      }),
    },
    ...(liveKeys ? { liveKeys } : {}),
  },
});
const rows = (p: PreviewJson) => summarize(p).changes.map((c) => `${c.impact} | ${c.resource} | ${c.what}`);

describe("settings applied live in the preview summary", () => {
  it("an update of LiveBrokerSettings is safe: applied live, no restart, naming each key", () => {
    const preview: PreviewJson = {
      steps: [
        {
          op: "update",
          urn: urn(LIVE, "kafka-live-settings"),
          oldState: live({
            "log.retention.ms": "3600000",
            "log.cleaner.backoff.ms": "20000",
            "min.insync.replicas": "2",
          }),
          newState: live({ "log.retention.ms": "7200000", "log.cleaner.threads": "2", "min.insync.replicas": "2" }),
        },
      ],
    };
    expect(rows(preview)).toEqual([
      "safe | broker settings applied live | applied live, no restart on brokers 1, 2, 3: " +
        "log.cleaner.backoff.ms reverted (no longer declared), log.cleaner.threads=2 (new), log.retention.ms 3600000 → 7200000",
    ]);
    expect(renderMarkdown(summarize(preview), { stack: "prod" }).split("\n")[0]).toBe(
      "## Preview of stack `prod`: 1 safe",
    );
  });

  it("its create and delete are safe too", () => {
    const created = rows({
      steps: [{ op: "create", urn: urn(LIVE, "l"), newState: live({ "log.cleaner.threads": "2" }) }],
    });
    expect(created).toEqual([
      "safe | broker settings applied live | applied live, no restart on brokers 1, 2, 3: log.cleaner.threads=2",
    ]);
    const deleted = rows({
      steps: [{ op: "delete", urn: urn(LIVE, "l"), oldState: live({ "log.cleaner.threads": "2" }) }],
    });
    expect(deleted).toEqual([
      "safe | broker settings applied live | reverted on brokers 1, 2, 3, no restart: back to server.properties",
    ]);
  });

  it("a broker whose provider applies the changed keys live is not restarted; without liveKeys, or with another key, it is", () => {
    const step = (
      a: Record<string, string | number>,
      b: Record<string, string | number>,
      keys?: readonly string[],
    ) => ({
      steps: [
        { op: "update", urn: urn(PROCESS, "kafka-broker-1"), oldState: broker(a, keys), newState: broker(b, keys) },
      ],
    });
    expect(rows(step({}, { "log.cleaner.threads": 2 }, LIVE_BROKER_SETTINGS))).toEqual([
      "safe | broker 1 (hadoop-nn) | server.properties rewritten, no restart (applied live: log.cleaner.threads=2 (new))",
    ]);
    expect(rows(step({}, { "log.cleaner.threads": 2 }))).toEqual([
      "disruptive | broker 1 (hadoop-nn) | restarts (server.properties: log.cleaner.threads=2 (new))",
    ]);
    const listOnly = {
      steps: [{ op: "update", urn: urn(PROCESS, "kafka-broker-1"), oldState: broker({}), newState: broker({}, ["x"]) }],
    };
    expect(rows(listOnly)).toEqual([
      "safe | broker 1 (hadoop-nn) | no restart (only the list of settings it applies live changed)",
    ]);
    expect(rows(step({}, { "log.cleaner.threads": 2, "num.partitions": 6 }, LIVE_BROKER_SETTINGS))[0]).toMatch(
      /^disruptive \| broker 1 \(hadoop-nn\) \| restarts \(server.properties: /,
    );
  });
});
