// The service, built from its dependencies so tests and main.ts can both
// make one: the stream, the two health sources, metrics and the HTTP server.
import type { Kafka } from "kafkajs";
import type { Logger } from "pino";
import { AdminSource } from "./admin-source";
import type { ServiceConfig } from "./config";
import { evaluateHealth, evaluateReadiness, type HealthReport } from "./health";
import { createHttpServer, listen } from "./http";
import { createMetrics } from "./prometheus";
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

export function createService({ config, kafka, logger }: ServiceDeps): Service {
  const zk = new ZkSource({ connect: config.zookeeperConnect, topics: config.topics, sessionTimeoutMs: config.zkSessionTimeoutMs, logger: logger.child({ source: "zookeeper" }) });
  const admin = new AdminSource({
    kafka,
    bootstrapServers: config.bootstrapServers,
    clientId: config.clientId,
    topics: config.topics,
    groupId: config.groupId,
    pollMs: config.adminPollMs,
    logger: logger.child({ source: "admin" }),
  });

  let disagreementsSince = new Map<string, number>();
  let lastVerdict = "";
  const report = (): HealthReport => {
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

  const metrics = createMetrics({ groupId: config.groupId, report, offsets: () => admin.offsetsView() });
  const stream = new WordCountStream({
    kafka,
    topics: config.consumeTopics,
    groupId: config.groupId,
    windowMs: config.windowMs,
    windowsKept: config.windowsKept,
    outputTopic: config.outputTopic,
    logger: logger.child({ part: "stream" }),
    onWindow: (w) => metrics.windowClosed(w),
    onCommitFailure: () => metrics.commitFailed(),
  });

  const server = createHttpServer({
    health: () => {
      const { disagreementsSince: _memory, ...r } = report();
      return { ok: r.healthy, body: { status: r.healthy ? "ok" : "unhealthy", ...r, checkedAt: new Date(r.checkedAt).toISOString() } };
    },
    ready: () => {
      const r = evaluateReadiness(stream.isJoined, report());
      return { ok: r.ready, body: r };
    },
    stats: () => stream.stats(),
    metrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.render() }),
  });
  // Log health transitions even when nobody asks.
  let watchdog: NodeJS.Timeout | undefined;

  return {
    async start() {
      const addr = await listen(server, config.httpHost, config.httpPort);
      logger.info({ host: addr.address, port: addr.port }, "http listening");
      zk.start();
      admin.start();
      watchdog = setInterval(report, 1_000);
      stream.start();
      return { host: addr.address, port: addr.port };
    },
    async stop() {
      clearInterval(watchdog);
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
