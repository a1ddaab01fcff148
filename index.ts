// The Pulumi program. Cluster provisioning is the next issue; until then the
// stack only reports the pinned versions it will run.
import * as pulumi from "@pulumi/pulumi";
import { KAFKA_VERSION, ZOOKEEPER_VERSION } from "./infra/toolchain";

const config = new pulumi.Config();
export const target = config.get("target") ?? "local";
export const kafkaVersion = KAFKA_VERSION;
export const zookeeperVersion = ZOOKEEPER_VERSION;
