import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeQueues, queue } from "~/jobs/queue.server";
import { QUEUE } from "~/jobs/definitions";
import { resetDatabase } from "~tests/support/webhooks.server";
import { loadBackfillCard, startBackfillFromForm } from "./backfill-card.server";
import { backfillOnInstall } from "~/backfill/start.server";

const db = prisma();
const SHOP = "backfill-route.myshopify.com";

const form = (fields: Record<string, string>) => {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return body;
};

beforeEach(async () => {
  await resetDatabase(db);
  await queue(QUEUE.backfill).obliterate({ force: true });
});
afterAll(() => closeQueues());

describe("the dashboard's import card", () => {
  it("starts one import with the merchant's choice, queues its job, and refuses a second while it runs", async () => {
    expect(await loadBackfillCard(db, SHOP, "UTC")).toBeNull();
    const first = await startBackfillFromForm(
      db,
      SHOP,
      form({ intent: "start-backfill", historyEarnsPoints: "true" }),
    );
    expect(first).toEqual({ status: 202, body: { ok: true, created: true } });
    const run = await db.backfillRun.findFirstOrThrow({ where: { shop: SHOP } });
    expect(run).toMatchObject({ status: "queued", historyEarnsPoints: true, trigger: "merchant" });
    const job = await queue(QUEUE.backfill).getJob(run.id);
    expect(job?.data).toEqual({ runId: run.id });

    const again = await startBackfillFromForm(
      db,
      SHOP,
      form({ intent: "start-backfill", historyEarnsPoints: "false" }),
    );
    expect(again).toEqual({ status: 200, body: { ok: true, created: false } });
    expect(await db.backfillRun.count({ where: { shop: SHOP } })).toBe(1);
    expect(await loadBackfillCard(db, SHOP, "UTC")).toMatchObject({
      active: true,
      statusLabel: "Queued",
      progress: 0,
    });
  });

  it("answers 409 once the history is imported, and starts nothing", async () => {
    await backfillOnInstall(db, SHOP);
    await db.backfillRun.updateMany({
      where: { shop: SHOP },
      data: { status: "completed", phase: "done", finishedAt: new Date("2026-03-02T15:00:00Z") },
    });
    const result = await startBackfillFromForm(
      db,
      SHOP,
      form({ intent: "start-backfill", historyEarnsPoints: "true" }),
    );
    expect(result).toEqual({
      status: 409,
      body: { ok: false, error: "The shop's history is already imported." },
    });
    expect(await db.backfillRun.count({ where: { shop: SHOP } })).toBe(1);
    expect(await loadBackfillCard(db, SHOP, "America/New_York")).toMatchObject({
      active: false,
      statusLabel: "Completed",
      finishedText: "Mar 2, 2026, 10:00 AM EST",
    });
  });

  it("answers 400 to a malformed form and writes nothing", async () => {
    for (const fields of [
      {},
      { intent: "start-backfill", historyEarnsPoints: "maybe" },
      { intent: "other" },
    ]) {
      const result = await startBackfillFromForm(db, SHOP, form(fields as Record<string, string>));
      expect(result.status).toBe(400);
    }
    expect(await db.backfillRun.count()).toBe(0);
  });

  it("starts the first import on install with no points for history, and only the first", async () => {
    await backfillOnInstall(db, SHOP);
    await db.backfillRun.updateMany({ where: { shop: SHOP }, data: { status: "completed", phase: "done" } });
    await backfillOnInstall(db, SHOP);
    const runs = await db.backfillRun.findMany({ where: { shop: SHOP } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "install", historyEarnsPoints: false });
  });
});
