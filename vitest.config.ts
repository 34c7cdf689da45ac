import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

// Three projects: pure unit tests, integration tests on the real PostgreSQL and Redis
// (*.server.test.ts, one database per test worker), and browser tests in Chromium.
const shared = {
  plugins: [tsconfigPaths()],
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          include: [
            "app/**/*.test.{ts,tsx}",
            "emulator/**/*.test.ts",
            "extensions/**/*.test.ts",
            "scripts/**/*.test.ts",
            "simulator/**/*.test.ts",
            "workers/**/*.test.ts",
            "tests/lint/**/*.test.ts",
          ],
          exclude: ["**/*.server.test.{ts,tsx}", "node_modules/**"],
          setupFiles: ["tests/setup/console.ts", "tests/setup/env.ts"],
        },
      },
      {
        ...shared,
        test: {
          name: "integration",
          include: ["**/*.server.test.{ts,tsx}"],
          exclude: ["node_modules/**", ".tools/**"],
          globalSetup: ["tests/setup/database.global.ts"],
          setupFiles: ["tests/setup/console.ts", "tests/setup/env.ts", "tests/setup/worker-services.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: true,
        },
      },
      {
        ...shared,
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          globalSetup: ["tests/setup/database.global.ts"],
          setupFiles: ["tests/setup/console.ts", "tests/setup/env.ts", "tests/setup/worker-services.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
