// The Pulumi program's entry point: stack/program.ts declares everything;
// these are the stack's outputs.
import { runProgram } from "./stack/program";

const outputs = runProgram();

export const target = outputs.target;
export const healthUrl = outputs.healthUrl;
export const prometheusUrl = outputs.prometheusUrl;
export const bootstrapServers = outputs.bootstrapServers;
export const zookeeperConnect = outputs.zookeeperConnect;
export const brokers = outputs.brokers;
export const topics = outputs.topics;
