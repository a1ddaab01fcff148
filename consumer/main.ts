// Entry point: configuration from the environment, structured logs to
// stdout, SIGTERM/SIGINT for a clean stop (exit 0).
import pino from "pino";
import { kafkajs } from "../lib/kafkajs";
import { ConfigError, loadConfig } from "./config";
import { kafkajsLogCreator } from "./kafkajs-log";
import { createService } from "./service";

async function main(): Promise<void> {
  const { Kafka, logLevel } = kafkajs();
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel, base: { service: "kafka-cluster-consumer" } });
  const kafka = new Kafka({
    clientId: config.clientId,
    brokers: config.bootstrapServers,
    // Warnings and errors; repeats of one message are held back (see kafkajs-log.ts).
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(logger.child({ part: "kafkajs" })),
  });
  const service = createService({ config, kafka, logger });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing the batch, committing, disconnecting");
    const timer = setTimeout(() => {
      logger.error("clean stop took longer than 30 s; exiting");
      process.exit(1);
    }, 30_000);
    service.stop().then(
      () => {
        clearTimeout(timer);
        logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  await service.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`consumer failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
