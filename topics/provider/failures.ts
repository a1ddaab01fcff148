// Pulumi's check failures are {property, reason}; the provider's problems are
// lib/problems' Problem. This is the one place one becomes the other.
import type * as pulumi from "@pulumi/pulumi";
import { problemText, type Problem } from "../../lib/problems";

export function checkFailures(problems: readonly Problem[]): pulumi.dynamic.CheckFailure[] {
  return problems.map((p) => ({ property: p.path, reason: problemText(p) }));
}
