// ESLint: typescript-eslint's recommended rules; layout is Prettier's.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".pulumi-state/", "test/fixtures/", "scripts/pulumi/", "scripts/actionlint/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // Dynamic providers that Pulumi serializes must require their modules
      // inside each method, and esbuild bundles need literal requires.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
        },
      ],
    },
  },
  {
    // Small units in the code that ships (tests may hold longer tables and scenarios).
    ignores: ["test/**"],
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
      "max-lines": ["error", { max: 300, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Tests and their support read JSON answers and mock inputs loosely.
    files: ["test/**", "support/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
