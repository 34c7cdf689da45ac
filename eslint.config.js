import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// Pure folders hold rules, statistics and models: no database, queue, Shopify or OpenAI.
const PURE = ["app/loyalty/**", "app/experiments/**", "app/intelligence/**"];
const IMPURE_IMPORTS = {
  patterns: [
    {
      group: ["@prisma/*", "**/generated/prisma/**", "*/db.server", "**/db.server"],
      message: "Pure folders do not touch the database; take plain data.",
    },
    { group: ["bullmq", "ioredis"], message: "Pure folders do not touch queues." },
    { group: ["@shopify/*"], message: "Pure folders do not call Shopify." },
    { group: ["openai"], message: "Pure folders do not call OpenAI." },
    { group: ["**/*.server", "*.server"], message: "Pure folders import no server modules." },
  ],
};

export default tseslint.config(
  {
    ignores: [
      "node_modules",
      "build",
      ".tools",
      "app/generated",
      "public/build",
      "test-results",
      "extensions/*/dist",
      // Function input types: `shopify app function typegen` output (see its header).
      "extensions/*/generated",
      ".cache",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read settings through app/env.server.ts." },
      ],
    },
  },
  {
    files: [
      "app/env.server.ts",
      "scripts/**",
      "tests/**",
      "bench/**",
      "*.config.ts",
      "*.config.js",
      "emulator/**",
      "simulator/**",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: PURE,
    ignores: ["**/*.server.ts", "**/*.server.test.ts"],
    rules: { "no-restricted-imports": ["error", IMPURE_IMPORTS] },
  },
);
