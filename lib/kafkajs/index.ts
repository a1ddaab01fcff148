// The one way the project loads kafkajs: with its patches applied, once per
// process. kafkajs 2.2.4 is pinned and in maintenance mode; each patch checks
// the version it was written for.
//   offline-partitions.ts  a partition error no longer throws away the whole
//                          Metadata answer (kafkajs #639, #1460)
//   quiet-timers.ts        no negative-timer warning on Node 24 (kafkajs #1751)
// Type-only imports from "kafkajs" are fine anywhere; values that make a
// client come from here. Metadata as one broker sent it, topic errors and
// all, is lib/kafka/raw-metadata.ts (not a kafkajs client).
import { tolerateOfflinePartitions } from "./offline-partitions";
import { quietKafkajsTimers } from "./quiet-timers";

/** Applies the patches (idempotent). Call before the first client is made. */
export function patchKafkajs(): void {
  tolerateOfflinePartitions();
  quietKafkajsTimers();
}

/** kafkajs, patched. Use this instead of `require("kafkajs")` for any client. */
export function kafkajs(): typeof import("kafkajs") {
  patchKafkajs();
  return require("kafkajs") as typeof import("kafkajs");
}
