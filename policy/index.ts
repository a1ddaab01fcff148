// The policy pack: the rules of rules.ts, mandatory, run at the end of every
// preview (`npm run preview`, CI) against the stack's resources.
import { PolicyPack, type ReportViolation, type StackValidationArgs } from "@pulumi/policy";
import { readDeployedTopics } from "./deployed";
import {
  RULES,
  brokerViolations,
  dataLossViolations,
  durabilityViolations,
  type StackResource,
  type Violation,
} from "./rules";

const plain = (args: StackValidationArgs): StackResource[] =>
  args.resources.map((r) => ({ type: r.type, urn: r.urn, name: r.name, props: r.props }));

const report = (violations: Violation[], reportViolation: ReportViolation): void => {
  for (const v of violations) reportViolation(v.message, v.urn);
};

new PolicyPack("kafka-cluster", {
  enforcementLevel: "mandatory",
  policies: [
    {
      name: RULES.durability,
      description:
        "Topics have a replication factor of at least 3 and min.insync.replicas of at least 2, unless declared with policyExemption: { reason }.",
      validateStack: (args, reportViolation) => report(durabilityViolations(plain(args)), reportViolation),
    },
    {
      name: RULES.dataLoss,
      description:
        "No topic is deleted or replaced (renamed) with its data unless its declaration says allowDataLoss: true.",
      validateStack: async (args, reportViolation) => {
        const resources = plain(args);
        const anyUrn = resources[0]?.urn;
        if (!anyUrn) return;
        // Started by scripts/pulumi-analyzer-policy, which records the directory pulumi ran in.
        const deployed = await readDeployedTopics(anyUrn, process.env.KAFKA_CLUSTER_POLICY_PROJECT_DIR);
        report(dataLossViolations(resources, deployed), reportViolation);
      },
    },
    {
      name: RULES.brokers,
      description: "The cluster has at least three brokers.",
      validateStack: (args, reportViolation) => report(brokerViolations(plain(args)), reportViolation),
    },
  ],
});
