import { beforeEach, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { memberPrograms } from "~/loyalty/services/member-program.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { forgetRunning } from "./running.server";

const db = prisma();
const SHOP = "running-pool.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP } });
});

// Every crediting path resolves members' programs inside its transaction, and the running
// experiments behind that are loaded once per shop for all of them. Loaded through the
// main pool, a burst of as many transactions as the pool has connections held them all
// while each waited for one more: the worker stalled until the transactions timed out
// (the fault suite's baseline stopped after 67 deliveries). This test failed that way.
it("resolves programs inside as many concurrent transactions as the pool has connections", async () => {
  forgetRunning(SHOP);
  const started = Date.now();
  const resolved = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      db.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_sleep(0.2)`;
          return (await memberPrograms(tx, SHOP, new Date()))(BigInt(i + 1)).version;
        },
        { maxWait: 10_000, timeout: 8_000 },
      ),
    ),
  );
  expect(resolved).toEqual(Array(10).fill(1));
  expect(Date.now() - started).toBeLessThan(8_000);
});
