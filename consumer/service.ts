// The service, built from its dependencies so tests and main.ts can both
// make one: the stream, the two health sources, metrics and the HTTP server.
import type { Kafka } from "kafkajs";
import type { Logger } from "pino";
import { AdminSource } from "./admin-source";
import { BrokerProbe } from "./broker-probe";
import type { ServiceConfig } from "./config";
import { evaluateHealth, evaluateReadiness, type HealthReport } from "./health";
import { createHttpServer, DEFAULT_HTTP_LIMITS, listen, type Endpoints, type Shed } from "./http";
import { EventHub } from "./page/events";
import { renderPage } from "./page/html";
import { pageSnapshot, type PageSnapshot } from "./page/model";
import { createMetrics, type ServiceMetrics } from "./prometheus";
import { parseStatsQuery, statsBody } from "./stats";
import { WordCountStream } from "./stream";
import { ZkSource } from "./zk-source";

export interface ServiceDeps {
  readonly config: ServiceConfig;
  readonly kafka: Kafka;
  readonly logger: Logger;
}

export interface Service {
  /** Starts everything; resolves once HTTP listens (the consumer connects and joins in the background). */
  start(): Promise<{ host: string; port: number }>;
  /** Graceful: the stream commits and disconnects, then the rest closes. */
  stop(): Promise<void>;
  report(): HealthReport;
}

function sources(config: ServiceConfig, kafka: Kafka, logger: Logger): { zk: ZkSource; admin: AdminSource } {
  const zk = new ZkSource({
    connect: config.zookeeperConnect,
    topics: config.topics,
    sessionTimeoutMs: config.zkSessionTimeoutMs,
    logger: logger.child({ source: "zookeeper" }),
  });
  const admin = new AdminSource({
    kafka,
    bootstrapServers: config.bootstrapServers,
    clientId: config.clientId,
    topics: config.topics,
    groupId: config.groupId,
    pollMs: config.adminPollMs,
    logger: logger.child({ source: "admin" }),
  });
  return { zk, admin };
}

/**
 * Probes every broker ZooKeeper registered, and keeps probing one that
 * unregistered at its last address, so the dead broker is named. The address
 * is the one the brokers advertise on the listener the service's own
 * metadata requests use (on docker the PLAINTEXT one ZooKeeper shows first is
 * inside the containers' network); ZooKeeper's fills in for a broker that
 * metadata never listed.
 */
function brokerProbe(config: ServiceConfig, zk: ZkSource, admin: AdminSource, logger: Logger): BrokerProbe {
  return new BrokerProbe({
    targets: () => new Map([...zk.brokerAddresses(), ...admin.brokerHosts()]),
    intervalMs: config.probeIntervalMs,
    timeoutMs: config.probeTimeoutMs,
    clientId: config.clientId,
    onChange: (b) =>
      b.reachable
        ? logger.info({ broker: b.id, address: b.address }, "broker reachable")
        : logger.warn({ broker: b.id, address: b.address, reason: b.reason }, "broker unreachable"),
  });
}

/** Evaluates health from both sources' current views and the probe's; logs when the verdict changes. */
function healthReporter(
  config: ServiceConfig,
  { zk, admin, probe }: { zk: ZkSource; admin: AdminSource; probe: BrokerProbe },
  logger: Logger,
): () => HealthReport {
  let disagreementsSince = new Map<string, number>();
  let lastVerdict = "";
  return () => {
    const r = evaluateHealth({
      now: Date.now(),
      topics: config.topics,
      expectedBrokers: config.expectedBrokers,
      staleAfterMs: config.staleAfterMs,
      graceMs: config.disagreementGraceMs,
      zookeeper: zk.view(Date.now()),
      admin: admin.view(),
      minIsr: admin.minInsyncReplicas(),
      lag: admin.offsetsView().lag,
      disagreementsSince,
      probes: probe.view(),
    });
    disagreementsSince = r.disagreementsSince;
    const verdict = JSON.stringify(r.reasons);
    if (verdict !== lastVerdict) {
      lastVerdict = verdict;
      if (r.healthy) logger.info("health: ok");
      else logger.warn({ reasons: r.reasons }, "health: not ok");
    }
    return r;
  };
}

/** The status page's snapshot, from the same health report as /health. */
function pageSource(config: ServiceConfig, report: () => HealthReport, admin: AdminSource, stream: WordCountStream) {
  return (): PageSnapshot =>
    pageSnapshot({
      report: report(),
      topics: config.topics,
      group: config.groupId,
      hosts: admin.brokerHosts(),
      windows: stream.history.latest(),
    });
}

interface Parts {
  readonly report: () => HealthReport;
  readonly stream: WordCountStream;
  readonly metrics: ServiceMetrics;
  readonly page: () => PageSnapshot;
  readonly hub: EventHub<PageSnapshot>;
}

function endpoints({ report, stream, metrics, page, hub }: Parts): Endpoints {
  return {
    page: () => renderPage(page()),
    events: (req, res) => hub.handle(req, res),
    health: () => {
      const { disagreementsSince: _memory, ...r } = report();
      const body = { status: r.healthy ? "ok" : "unhealthy", ...r, checkedAt: new Date(r.checkedAt).toISOString() };
      return { ok: r.healthy, body };
    },
    ready: () => {
      const r = evaluateReadiness(stream.isJoined, report());
      return { ok: r.ready, body: r };
    },
    stats: (params) => {
      const q = parseStatsQuery(params);
      if ("error" in q) return { status: 400, body: { error: q.error } };
      return { status: 200, body: statsBody(stream.stats(), q.query) };
    },
    metrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.render() }),
  };
}

/** Logs shed connections at most once per 10 s, with how many since the last line. */
function shedLogger(logger: Logger): (why: Shed) => void {
  const since = { refused: 0, evicted: 0 };
  let last = 0;
  return (why) => {
    since[why]++;
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    logger.warn({ ...since }, "http connection limit reached: connections refused or closed");
    since.refused = 0;
    since.evicted = 0;
  };
}

export function createService({ config, kafka, logger }: ServiceDeps): Service {
  const { zk, admin } = sources(config, kafka, logger);
  const probe = brokerProbe(config, zk, admin, logger.child({ part: "probe" }));
  const report = healthReporter(config, { zk, admin, probe }, logger);
  const metrics = createMetrics({ groupId: config.groupId, report, offsets: () => admin.offsetsView() });
  const stream = new WordCountStream({
    kafka,
    topics: config.consumeTopics,
    groupId: config.groupId,
    windowMs: config.windowMs,
    windowsKept: config.windowsKept,
    limits: { maxWords: config.windowMaxWords, topWords: config.windowTopWords },
    outputTopic: config.outputTopic,
    logger: logger.child({ part: "stream" }),
    onWindow: (w) => metrics.windowClosed(w),
    onCommitFailure: () => metrics.commitFailed(),
  });
  const page = pageSource(config, report, admin, stream);
  // Event streams hold their connections: at most a quarter of them, so /health always finds a place.
  const hub = new EventHub(page, { maxClients: Math.max(1, Math.floor(config.httpMaxConnections / 4)) });
  const server = createHttpServer(
    endpoints({ report, stream, metrics, page, hub }),
    { ...DEFAULT_HTTP_LIMITS, maxConnections: config.httpMaxConnections },
    shedLogger(logger.child({ part: "http" })),
  );
  // Log health transitions even when nobody asks.
  let watchdog: NodeJS.Timeout | undefined;

  return {
    async start() {
      const addr = await listen(server, config.httpHost, config.httpPort);
      logger.info({ host: addr.address, port: addr.port }, "http listening");
      zk.start();
      admin.start();
      probe.start();
      watchdog = setInterval(report, 1_000);
      stream.start();
      return { host: addr.address, port: addr.port };
    },
    async stop() {
      clearInterval(watchdog);
      hub.close();
      probe.stop();
      await stream.stop();
      zk.close();
      await admin.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    report,
  };
}
