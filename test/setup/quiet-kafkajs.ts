// Every test file that talks to Kafka gets kafkajs without its negative
// request-queue timers (TimeoutNegativeWarning on Node 24; see lib/kafkajs/quiet-timers.ts).
import { quietKafkajsTimers } from "../../lib/kafkajs/quiet-timers";

quietKafkajsTimers();
