// Every test file that talks to Kafka gets kafkajs without its negative
// request-queue timers (TimeoutNegativeWarning on Node 24; see topics/kafkajs-timers.ts).
import { quietKafkajsTimers } from "../../topics/kafkajs-timers";

quietKafkajsTimers();
