import type { Job } from "bullmq";
import { afterAll, beforeEach, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { maintenanceProcessor } from "../../workers/processors/maintenance";
import { createBackfillRun } from "./run.server";

const db = prisma();
const SHOP = "backfill-sweep.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await queue(QUEUE.backfill).obliterate({ force: true });
  await db.shop.create({ data: { domain: SHOP } });
});
afterAll(closeQueues);

// A shop installed while Redis was slow: the run was created but its enqueue timed out, and
// nothing ever started it (the fault suite's install under load waited for ever).
it("enqueues an active backfill run whose job never reached Redis, once, on the catch-up sweep", async () => {
  const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: false, trigger: "install" });
  const sweep = maintenanceProcessor(db, queue(QUEUE.webhooks), queue(QUEUE.backfill));

  expect(await sweep({ name: "sweep-inbox", data: { catchUp: true } } as Job)).toMatchObject({
    backfills: 1,
  });
  expect(await queue(QUEUE.backfill).getJobState(run.id)).toBe("waiting");
  await sweep({ name: "sweep-inbox", data: { catchUp: true } } as Job);
  expect(await queue(QUEUE.backfill).getJobCounts("waiting")).toEqual({ waiting: 1 });

  // The regular sweep leaves a run younger than the sweep delay to its own job.
  await db.backfillRun.update({ where: { id: run.id }, data: { status: "completed" } });
  const young = await createBackfillRun(db, SHOP, { historyEarnsPoints: false, trigger: "merchant" });
  await queue(QUEUE.backfill).obliterate({ force: true });
  expect(await sweep({ name: "sweep-inbox", data: {} } as Job)).toMatchObject({ backfills: 0 });
  expect(await queue(QUEUE.backfill).getJobState(young.run.id)).toBe("unknown");
});
