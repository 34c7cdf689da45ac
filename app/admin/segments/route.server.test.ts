import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { computeSegments } from "~/intelligence/segments/compute.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { loader as audienceLoader } from "~/routes/app.insights.audience";
import { action, loader } from "~/routes/app.insights.segments";
import { adminRequest, answer, routeArgs, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";

// /app/insights/segments through its route: the loader shows the latest computation (or
// what is missing for a tiny shop), the action queues a run once however often it is
// clicked, and answers 400 to a form it does not understand.

const db = prisma();
const SHOP = "segments-route.myshopify.com";
const DAY = 86_400_000;
const NOW = new Date("2026-12-01T12:00:00Z");

afterAll(async () => {
  await closeQueues();
});

beforeEach(async () => {
  await resetDatabase(db);
  await queue(QUEUE.analytics).obliterate({ force: true });
  await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR", ianaTimezone: "Europe/Paris" } });
  await storeSessionWithoutShopify(SHOP);
});

const load = () => loader(routeArgs(adminRequest(SHOP, "/app/insights/segments")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/insights/segments", form))).then(answer);

/** `buyers` members with 1–6 orders spread over the last year, and two who never ordered. */
async function seedMembers(buyers: number) {
  for (let i = 0; i < buyers + 2; i++) {
    const customerId = BigInt(1000 + i);
    await db.customer.create({ data: { shop: SHOP, id: customerId } });
    await db.member.create({
      data: { shop: SHOP, customerId, enrolledAt: new Date(NOW.getTime() - 400 * DAY) },
    });
    if (i >= buyers) continue;
    for (let k = 0; k < 1 + (i % 6); k++)
      await db.order.create({
        data: {
          shop: SHOP,
          id: BigInt(i * 100 + k),
          customerId,
          name: `#${i}-${k}`,
          currencyCode: "EUR",
          subtotalMinor: 0n,
          totalMinor: BigInt(2000 + 700 * ((i * 7 + k) % 13)),
          processedAt: new Date(NOW.getTime() - ((i * 37 + k * 11) % 360) * DAY),
        },
      });
  }
}

describe("/app/insights/segments", () => {
  it("shows nothing computed yet, then queues one run however often Recompute is clicked", async () => {
    expect(await load()).toMatchObject({ computedAt: null, summary: null, pending: null, rows: [] });
    const first = await submit({ intent: "recompute" });
    expect(first.status).toBe(202);
    const again = await submit({ intent: "recompute" });
    expect(again).toEqual(first);
    const runId = (first.body as { runId: string }).runId;
    expect(await queue(QUEUE.analytics).getJob(runId)).toBeDefined();
    expect(await db.segmentRun.count({ where: { shop: SHOP } })).toBe(1);
    expect((await load()).pending).toMatchObject({ id: runId, status: "running", progress: 0 });
  });

  it("shows the segments in the shop's currency and time zone once computed", async () => {
    await seedMembers(60);
    const run = await db.segmentRun.create({ data: { shop: SHOP, startedAt: NOW } });
    await computeSegments(db, run.id, { now: NOW });
    await db.segmentRun.update({
      where: { id: run.id },
      data: { finishedAt: new Date("2026-12-01T12:00:00Z") },
    });
    const page = await load();
    expect(page.computedAt).toBe("Dec 1, 2026, 1:00 PM");
    expect(page.summary?.buyerCount).toBe(60);
    expect(page.rows.reduce((s, r) => s + r.count, 0)).toBe(60);
    expect(page.rows.every((r) => r.revenue.startsWith("€"))).toBe(true);
    expect(page.summary?.clusters.ok).toBe(true);
  });

  it("tells a tiny shop what is needed", async () => {
    await seedMembers(5);
    const run = await db.segmentRun.create({ data: { shop: SHOP, startedAt: NOW } });
    await computeSegments(db, run.id, { now: NOW });
    const page = await load();
    expect(page.summary?.notEnoughData).toEqual({
      reason: "5 of 7 members have placed an order.",
      needed: "Segments need at least 20 members with an order; clusters need 40.",
    });
    expect(page.rows).toEqual([]);
  });

  it("answers 400 to a form it does not understand and starts nothing", async () => {
    expect(await submit({ intent: "delete-everything" })).toMatchObject({ status: 400, body: { ok: false } });
    expect(await db.segmentRun.count()).toBe(0);
  });
});

describe("/app/insights/audience (the segment builder's live count)", () => {
  const count = (query: string) =>
    audienceLoader(routeArgs(adminRequest(SHOP, `/app/insights/audience?${query}`))).then(answer);

  it("counts the members matching segment, tier, points and tag conditions, in this shop only", async () => {
    await seedMembers(60);
    const run = await db.segmentRun.create({ data: { shop: SHOP, startedAt: NOW } });
    await computeSegments(db, run.id, { now: NOW });
    await db.member.updateMany({
      where: { shop: SHOP, customerId: { lt: 1010n } },
      data: { tierId: "gold", availablePoints: 500 },
    });
    await db.customer.updateMany({
      where: { shop: SHOP, id: { in: [1001n, 1002n, 1050n] } },
      data: { tags: ["vip"] },
    });
    await db.member.create({
      data: { shop: "someone-else.myshopify.com", customerId: 1001n, tierId: "gold" },
    });

    expect(await count("")).toEqual({ status: 200, body: { ok: true, matching: 62, total: 62 } });
    expect((await count("tier=gold")).body).toMatchObject({ matching: 10 });
    expect((await count("tier=gold&minPoints=500&maxPoints=500")).body).toMatchObject({ matching: 10 });
    expect((await count("minPoints=501")).body).toMatchObject({ matching: 0 });
    expect((await count("tag=vip,other&tier=gold")).body).toMatchObject({ matching: 2 });
    const champions = await db.memberSegment.count({ where: { shop: SHOP, segment: "champions" } });
    const lost = await db.memberSegment.count({ where: { shop: SHOP, segment: "lost" } });
    expect((await count("segment=champions&segment=lost")).body).toMatchObject({
      matching: champions + lost,
    });
  });

  it("answers 422 with the field in error", async () => {
    expect(await count("minPoints=9&maxPoints=3")).toEqual({
      status: 422,
      body: {
        ok: false,
        message: "Check the conditions.",
        fieldErrors: { maxPoints: "The minimum is above the maximum." },
      },
    });
  });
});
