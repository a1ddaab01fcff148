// Properties of planCluster over generated stack configs: any config it
// accepts renders a server.properties and a zoo.cfg that read back (as
// java.util.Properties reads them) to what the plan says; any config with one
// bad property is refused, and the refusal names that property.
import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClusterConfigError, planCluster } from "../../../infra/plan";
import { dockerEndpoints } from "../../../infra/render-docker";
import { cacheDir, kafkaLibsDir } from "../../../lib/toolchain";
import { renderedFiles, validConfig } from "./support/config-arbitraries";
import { loadProperties } from "./support/java-properties";

const ctx = { defaultKafkaVersion: "3.9.2", defaultDataDir: () => "/var/lib/kafka-cluster" };
const NS = "kafka-cluster";

/** String.trim in Java, which Kafka and ZooKeeper apply to what they read: every character up to U+0020. */
// eslint-disable-next-line no-control-regex -- Java's trim is defined on these code points
const javaTrim = (s: string | undefined) => s?.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");

const read = (file: string) => loadProperties(Buffer.from(file, "utf8"));

describe("planCluster (properties)", () => {
  it("any config it accepts renders files that read back to the plan", () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const plan = planCluster(raw, ctx);
        const { zooCfg, serverProperties } = renderedFiles(plan);
        plan.zookeeper.forEach((z, i) => {
          const cfg = read(zooCfg[i]!);
          // ZooKeeper trims every value it reads; Kafka trims log.dirs and splits it at commas.
          expect(javaTrim(cfg.get("dataDir"))).toBe(z.dataDir);
          expect(cfg.get("clientPort")).toBe(String(z.clientPort));
          const servers = [...cfg.keys()].filter((k) => k.startsWith("server.")).sort();
          expect(servers).toEqual(plan.zookeeper.length > 1 ? plan.zookeeper.map((n) => `server.${n.id}`).sort() : []);
          for (const s of servers) expect(cfg.get(s)).toMatch(/^[^:\s]+:\d+:\d+$/);
        });
        plan.brokers.forEach((b, i) => {
          const props = read(serverProperties[i]!);
          expect(props.get("broker.id")).toBe(String(b.id));
          expect(javaTrim(props.get("log.dirs"))?.split(/\s*,\s*/)).toEqual([b.logDir]);
          expect(props.get("listeners")).toMatch(
            new RegExp(`^PLAINTEXT://[^,]+:${b.port}(,EXTERNAL://0\\.0\\.0\\.0:\\d+)?$`),
          );
          for (const [k, v] of Object.entries(raw.kafka.brokerConfig))
            expect(props.get(k), JSON.stringify(k)).toBe(String(v));
        });
      }),
      { numRuns: 300 },
    );
  });

  /** One bad property: where it goes in a valid config, and the path its problem must name. */
  const mutations: Array<(raw: any) => string> = [
    (raw) => ((raw.target = "k8s"), `${NS}:target`),
    (raw) => ((raw.kafka.port = 70_000), `${NS}:kafka.port`),
    (raw) => ((raw.kafka.heap = "lots"), `${NS}:kafka.heap`),
    (raw) => ((raw.kafka.version = "4.0.0"), `${NS}:kafka.version`),
    (raw) => ((raw.kafka.brokerConfig["log.dirs"] = "/x"), `${NS}:kafka.brokerConfig.log.dirs`),
    (raw) => ((raw.kafka.brokerConfig.nested = { a: 1 }), `${NS}:kafka.brokerConfig.nested`),
    (raw) => ((raw.kafka.prot = 1), `${NS}:kafka.prot`),
    (raw) => ((raw.kafak = {}), `${NS}:kafak`),
    (raw) => ((raw.zookeeper.peerPort = raw.zookeeper.clientPort), `${NS}:zookeeper`),
    (raw) => ((raw.zookeeper.nodes = ["no-such-host"]), `${NS}:zookeeper.nodes[0]`),
    (raw) => ((raw.hosts[2].address = "not an address!"), `${NS}:hosts[2].address`),
    (raw) => ((raw.hosts[0].address = "0.0.0.0"), `${NS}:hosts[0].address`),
    (raw) => ((raw.hosts[1].name = "Bad_Name"), `${NS}:hosts[1].name`),
    (raw) => ((raw.hosts[2].name = raw.hosts[0].name), `${NS}:hosts[2].name`),
    (raw) => (raw.hosts.pop(), `${NS}:hosts`),
    (raw) => ((raw.serviceManager = "init"), `${NS}:serviceManager`),
    (raw) => ((raw.dataDir = ""), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = "/a,/b"), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = " /srv/kafka"), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = "/srv/kafka\u0001"), `${NS}:dataDir`),
    // Issue 12: hostile input of every kind that reaches a file or a command.
    (raw) => ((raw.dataDir = "srv/kafka"), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = "/srv/../etc"), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = "/srv//kafka"), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = "/srv/kafka/"), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = "/srv/kafka\nExecStartPre=/bin/sh"), `${NS}:dataDir`),
    (raw) => ((raw.dataDir = "/srv/ka fka"), `${NS}:dataDir`),
    (raw) => ((raw.kafka.brokerConfig["x\nbroker.id"] = 9), `${NS}:kafka.brokerConfig["x\\nbroker.id"]`),
    (raw) => ((raw.kafka.brokerConfig["Num.Partitions"] = 1), `${NS}:kafka.brokerConfig.Num.Partitions`),
    (raw) => ((raw.kafka.brokerConfig["num.io.threads"] = "8\nlisteners=x"), `${NS}:kafka.brokerConfig.num.io.threads`),
    (raw) => ((raw.hosts[0].user = "root\nUser=root"), `${NS}:hosts[0].user`),
    (raw) => ((raw.hosts[1].user = "Kafka"), `${NS}:hosts[1].user`),
    (raw) => ((raw.hosts[2].address = "10.0.0.1\n"), `${NS}:hosts[2].address`),
    (raw) => (
      (raw.kafka.distribution = { url: "http://x/k.tgz", sha512: "a".repeat(128) }),
      `${NS}:kafka.distribution.url`
    ),
    (raw) => ((raw.kafka.distribution = { file: "/k.tgz" }), `${NS}:kafka.distribution.sha512`),
  ];

  it("any config with one bad property is refused, naming that property", () => {
    fc.assert(
      fc.property(validConfig, fc.integer({ min: 0, max: mutations.length - 1 }), (valid, m) => {
        const raw = structuredClone(valid);
        const path = mutations[m]!(raw);
        let error: unknown;
        try {
          planCluster(raw, ctx);
        } catch (err) {
          error = err;
        }
        expect(error, path).toBeInstanceOf(ClusterConfigError);
        expect((error as ClusterConfigError).problems.map((p) => p.path)).toContain(path);
      }),
      { numRuns: 300 },
    );
  });
});

/** The checker compiled once per source (javac takes seconds; running it, about one). */
function parseConfigsClass(libs: string): string {
  const source = path.join(__dirname, "support", "ParseConfigs.java");
  const hash = crypto.createHash("sha256").update(fs.readFileSync(source)).digest("hex").slice(0, 16);
  // In the project's cache, not /tmp: kept between runs, removed with the cache.
  const dir = path.join(cacheDir(), "test", `parse-configs-${hash}`);
  if (!fs.existsSync(path.join(dir, "ParseConfigs.class"))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const tmp = fs.mkdtempSync(`${dir}.part-`);
    execFileSync("javac", ["-d", tmp, "-cp", `${libs}/*`, source], { stdio: "pipe" });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  }
  return dir;
}

interface Parsed {
  readonly file: string;
  readonly error?: string;
  readonly properties: Record<string, string>;
  readonly brokerId?: number;
  readonly logDirs?: string[];
  readonly zookeeperConnect?: string;
  readonly clientPort?: number;
  readonly servers?: number;
}

const libs = kafkaLibsDir();
const haveJava = spawnSync("java", ["-version"]).status === 0 && fs.existsSync(path.join(libs, ".complete"));

describe("planCluster's files, read by Kafka and ZooKeeper themselves", () => {
  it.skipIf(!haveJava)(
    "KafkaConfig and QuorumPeerConfig accept a sample of accepted configs and read what the plan says",
    () => {
      const seed = Date.now();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-cluster-plan-files-"));
      try {
        const expected = new Map<string, { kind: "kafka" | "zookeeper"; check: (r: Parsed) => void }>();
        const args: string[] = [];
        // ZooKeeper resolves its client address when it reads zoo.cfg: host names resolve only where they run.
        const addressed = validConfig.filter(
          (raw) => raw.target !== "ssh" || raw.hosts.every((h) => /^[\d.]+$/.test(h.address)),
        );
        fc.sample(addressed, { numRuns: 40, seed }).forEach((raw, i) => {
          const plan = planCluster(raw, ctx);
          const { zooCfg, serverProperties } = renderedFiles(plan);
          const zkConnect = plan.target === "docker" ? dockerEndpoints(plan).zookeeperConnect : plan.zookeeperConnect;
          plan.zookeeper.forEach((z, j) => {
            const file = path.join(dir, `${i}-zookeeper-${z.id}.cfg`);
            fs.writeFileSync(file, zooCfg[j]!);
            args.push("zookeeper", file, String(z.id));
            expected.set(file, {
              kind: "zookeeper",
              check: (r) =>
                expect([r.clientPort, r.servers]).toEqual([
                  z.clientPort,
                  plan.zookeeper.length > 1 ? plan.zookeeper.length : 0,
                ]),
            });
          });
          plan.brokers.forEach((b, j) => {
            const file = path.join(dir, `${i}-broker-${b.id}.properties`);
            fs.writeFileSync(file, serverProperties[j]!);
            args.push("kafka", file, "0");
            expected.set(file, {
              kind: "kafka",
              check: (r) => {
                expect([r.brokerId, r.logDirs, r.zookeeperConnect]).toEqual([b.id, [b.logDir], zkConnect]);
                for (const [k, v] of Object.entries(raw.kafka.brokerConfig))
                  expect(r.properties[k], JSON.stringify(k)).toBe(String(v));
              },
            });
          });
        });
        const classes = parseConfigsClass(libs);
        const out = execFileSync(
          "java",
          ["-Dlog4j.configuration=file:/dev/null", "-cp", `${classes}:${libs}/*`, "ParseConfigs", ...args],
          {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        const results = JSON.parse(out) as Parsed[];
        expect(results).toHaveLength(expected.size);
        for (const r of results) {
          const where = `${r.error ?? ""}\n${r.file} (seed ${seed}):\n${fs.readFileSync(r.file, "utf8")}`;
          expect(r.error, where).toBeUndefined();
          // The test's reader reads as java.util.Properties does.
          expect(Object.fromEntries(loadProperties(fs.readFileSync(r.file))), where).toEqual(r.properties);
          expected.get(r.file)!.check(r);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
