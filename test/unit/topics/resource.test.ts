import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROVIDER_BUNDLE, buildTopicProvider, providerModule } from "../../../topics/resource";

const ROOT = path.join(__dirname, "..", "..", "..");

/** Loads a `__provider` module as Pulumi's dynamic provider host does: a CommonJS module whose `handler` returns the provider. */
function handlerOf(moduleText: string): () => Record<string, unknown> {
  const exports: { handler?: () => Record<string, unknown> } = {};
  new Function("exports", "require", moduleText)(exports, createRequire(path.join(ROOT, "index.js")));
  return exports.handler!;
}

describe("KafkaTopic's __provider module", () => {
  it("loads the bundled provider with every method Pulumi calls", () => {
    const bundle = buildTopicProvider(ROOT);
    expect(bundle).toBe(path.join(ROOT, PROVIDER_BUNDLE));
    const provider = handlerOf(providerModule(bundle))();
    for (const method of ["check", "diff", "create", "read", "update", "delete"])
      expect(typeof provider[method]).toBe("function");
  });

  it("says how to build the bundle when it is missing", () => {
    const handler = handlerOf(providerModule(path.join(ROOT, "node_modules/.cache/kafka-cluster/missing.js")));
    expect(handler).toThrow(
      /^KafkaTopic: Cannot find module .*missing\.js.*\(run 'npm run setup' or any 'pulumi preview' to build it\)$/s,
    );
  });

  it("stays small: every topic's state holds it twice", () => {
    expect(providerModule(PROVIDER_BUNDLE).length).toBeLessThan(300);
  });
});
