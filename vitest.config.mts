import { defineConfig } from "vitest/config";

// Four layers (see docs/testing.md and docs/architecture.md): unit tests are pure; program tests run
// index.ts under Pulumi mocks; integration tests
// share one real cluster started by the global setup; end-to-end tests drive
// the real Pulumi CLI and start what they need themselves.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          // The program under Pulumi mocks: the docker target's resource graph.
          name: "program",
          include: ["test/program/**/*.test.ts"],
          // Its stacks (ssh, docker) are not `local`: the built-in passphrase is refused for them.
          env: { PULUMI_CONFIG_PASSPHRASE: "program-tests" },
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/setup/cluster.ts"],
          setupFiles: ["test/setup/kafkajs.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          setupFiles: ["test/setup/kafkajs.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
