// StackIdentity: a random id made once, when the stack first creates it, and
// kept in its state. Every process the stack starts on a host carries it in
// an `owner` marker, so one stack never stops or removes another's processes
// or directories, even when both use the same addresses and paths (two
// checkouts of the same stack name). Pulumi serializes the provider: it
// requires inside its methods and captures nothing.
import * as pulumi from "@pulumi/pulumi";

export interface StackIdentityInputs {
  /** The stack's name when the id is made: a readable prefix of the id, nothing more. */
  readonly stack: string;
}

export interface StackIdentityOutputs extends StackIdentityInputs {
  /** e.g. `local-3f2a9c0d81b7e645`. */
  readonly stackId: string;
}

export const stackIdentityProvider: pulumi.dynamic.ResourceProvider<StackIdentityInputs, StackIdentityOutputs> = {
  async create(inputs) {
    const { randomBytes } = require("node:crypto") as typeof import("node:crypto");
    const stackId = `${inputs.stack.replace(/[^A-Za-z0-9_.-]/g, "-")}-${randomBytes(8).toString("hex")}`;
    return { id: stackId, outs: { ...inputs, stackId } };
  },
  // Made once: a renamed stack keeps its id, and so keeps owning what it made.
  async diff() {
    return { changes: false };
  },
};

export class StackIdentity extends pulumi.dynamic.Resource {
  declare readonly stackId: pulumi.Output<string>;
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      stackIdentityProvider,
      name,
      { stack: pulumi.getStack(), stackId: undefined },
      opts,
      "kafka-cluster",
      "StackIdentity",
    );
  }
}
