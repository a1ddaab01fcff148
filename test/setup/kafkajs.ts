// Every test file that talks to Kafka gets kafkajs as the project uses it: patched
// (lib/kafkajs: no negative request-queue timers on Node 24, offline partitions
// kept in metadata answers), however the test imports it.
import { patchKafkajs } from "../../lib/kafkajs";

patchKafkajs();
