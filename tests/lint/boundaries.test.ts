import { ESLint } from "eslint";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The room rules (lint/boundaries.js, enabled in eslint.config.js) fire on deliberately
// wrong imports, stay quiet on the allowed directions, and the whole tree passes them.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const eslint = new ESLint({
  cwd: ROOT,
  ruleFilter: ({ ruleId }) => ruleId === "boundaries/imports",
});

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.message);
}

const importOf = (spec: string) => `import { x } from "${spec}";\nexport const y = x;\n`;

describe("imports point one way: routes -> admin -> domains -> shopify/db/jobs", () => {
  it.each([
    ["a domain imports a route", "app/loyalty/services/orders.server.ts", "~/routes/app.program"],
    ["a domain imports an admin screen", "app/storefront/redeem.server.ts", "~/admin/members/present"],
    [
      "a domain imports an admin screen (relative)",
      "app/webhooks/process.server.ts",
      "../admin/status/status.server",
    ],
    [
      "an admin screen imports a route",
      "app/admin/members/member.server.ts",
      "../../routes/app.members._index",
    ],
    [
      "shopify/ imports a domain service",
      "app/shopify/metafields.server.ts",
      "~/loyalty/services/tiers.server",
    ],
    ["jobs/ imports a domain service", "app/jobs/producers.server.ts", "~/webhooks/inbox.server"],
    ["db.server imports a domain", "app/db.server.ts", "./stats/kpis.server"],
    ["a worker imports an admin screen", "workers/processors/loyalty.ts", "~/admin/status/present"],
  ])("fires when %s", async (_what, file, spec) => {
    expect(await problems(file, importOf(spec))).toEqual([
      expect.stringMatching(/must not import .*imports point/),
    ]);
  });

  it("lets through exactly the crossings the config names", async () => {
    const crossing = "app/shopify/discounts.server.ts -> app/loyalty/services/orders.server";
    const allowing = new ESLint({
      cwd: ROOT,
      ruleFilter: ({ ruleId }) => ruleId === "boundaries/imports",
      overrideConfig: { rules: { "boundaries/imports": ["error", { allow: [crossing] }] } },
    });
    const lint = async (file: string) => {
      const source = importOf("~/loyalty/services/orders.server");
      const [result] = await allowing.lintText(source, { filePath: path.join(ROOT, file) });
      return result?.messages.length;
    };
    expect(await lint("app/shopify/discounts.server.ts")).toBe(0);
    expect(await lint("app/shopify/metafields.server.ts")).toBe(1);
  });

  it.each([
    [
      "a route imports an admin screen",
      "app/routes/app.members._index.tsx",
      "~/admin/members/members.server",
    ],
    ["a route imports a domain", "app/routes/webhooks.tsx", "~/webhooks/receive.server"],
    [
      "an admin screen imports a domain",
      "app/admin/members/member.server.ts",
      "~/loyalty/services/program.server",
    ],
    ["a domain imports shopify/", "app/loyalty/redemptions.server.ts", "~/shopify/graphql.server"],
    ["a domain imports another domain", "app/backfill/credit.server.ts", "~/mirror/format"],
    ["shopify/ imports a pure rule", "app/shopify/discounts.server.ts", "~/loyalty/redemption"],
    ["a worker imports a domain", "workers/processors/webhooks.ts", "~/webhooks/batch-dispatch.server"],
    ["the app shell wires a domain", "app/shopify.server.ts", "./backfill/start.server"],
    [
      "a test imports an admin screen",
      "app/loyalty/services/tiers.server.test.ts",
      "~/admin/members/present",
    ],
  ])("allows %s", async (_what, file, spec) => {
    expect(await problems(file, importOf(spec))).toEqual([]);
  });
});

describe("production code imports no test helpers, tests, emulator or simulator", () => {
  it.each([
    ["tests/support", "app/webhooks/receive.server.ts", "~tests/support/webhooks.server"],
    ["tests/support (relative)", "workers/runtime.ts", "../tests/support/test-world.server"],
    ["a *testing* helper", "app/storefront/redeem.server.ts", "~tests/support/loyalty-world.server"],
    ["fixtures", "app/loyalty/services/orders.server.ts", "../fixtures"],
    ["emulator/", "app/shopify/bulk.server.ts", "../../emulator/server"],
    ["simulator/", "workers/processors/loyalty.ts", "../../simulator/shop"],
  ])("fires on %s", async (_what, file, spec) => {
    expect(await problems(file, importOf(spec))).toEqual([
      expect.stringMatching(/^Production code must not import/),
    ]);
  });

  it.each([
    ["a test beside the code", "app/webhooks/receive.server.test.ts", "~tests/support/webhooks.server"],
    ["a test importing the emulator", "app/shopify/metafields.server.test.ts", "../../emulator/server"],
    ["a helper in tests/", "tests/support/test-world.server.ts", "../../emulator/store"],
    ["a script", "scripts/demo.ts", "../simulator/index"],
  ])("allows %s", async (_what, file, spec) => {
    expect(await problems(file, importOf(spec))).toEqual([]);
  });
});

describe("pure modules import no database, queue, Shopify, OpenAI or node built-ins", () => {
  it.each([
    ["app/loyalty/earning.ts", "pg"],
    ["app/loyalty/tiers.ts", "node:crypto"],
    ["app/loyalty/tiers.ts", "crypto"],
    ["app/loyalty/program.ts", "@prisma/client"],
    ["app/loyalty/program.ts", "~/generated/prisma/client"],
    ["app/loyalty/program.ts", "~/db.server"],
    ["app/loyalty/ledger.ts", "./ledger.server"],
    ["app/loyalty/redemption.ts", "bullmq"],
    ["app/loyalty/redemption.ts", "ioredis"],
    ["app/loyalty/tier-perks.ts", "@shopify/shopify-api"],
    ["app/mirror/format.ts", "node:fs"],
    ["app/experiments/stats/normal.ts", "pg"],
    ["app/intelligence/clv.ts", "openai"],
    ["app/campaigns/template.ts", "~/db.server"],
    ["app/campaigns/triggers.ts", "node:crypto"],
    ["simulator/random/rng.ts", "node:crypto"],
    ["simulator/scenario/ground-truth.ts", "node:fs"],
    ["simulator/sim.ts", "~/loyalty/services/program.server"],
  ])("fires when %s imports %s", async (file, spec) => {
    expect(await problems(file, importOf(spec))).toEqual([expect.stringMatching(/is pure .*may not import/)]);
  });

  it.each([
    ["a loyalty service", "app/loyalty/services/orders.server.ts", "pg"],
    ["a server module beside the rules", "app/loyalty/ledger.server.ts", "node:crypto"],
    ["a rule importing zod and another rule", "app/loyalty/earning.ts", "zod"],
    ["the scenario loader", "simulator/scenario/load.ts", "node:fs"],
    ["the live driver", "simulator/live.ts", "node:crypto"],
    ["a pure test", "app/loyalty/earning.test.ts", "node:fs"],
  ])("allows %s", async (_what, file, spec) => {
    expect(await problems(file, importOf(spec))).toEqual([]);
  });
});

describe("the tree", () => {
  it("passes the room rules", { timeout: 240_000 }, async () => {
    const results = await eslint.lintFiles([
      "app",
      "workers",
      "simulator",
      "tests",
      "scripts",
      "bench",
      "emulator",
    ]);
    const failures = results.flatMap((r) =>
      r.messages.map((m) => `${path.relative(ROOT, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(failures).toEqual([]);
  });
});
