import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { computeSegments } from "~/intelligence/segments/compute.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { loader as audienceLoader } from "~/routes/app.insights.audience";
import { action as savedSegmentAction } from "~/routes/app.insights.saved-segments.$segmentId";
import { action, loader } from "~/routes/app.insights.segments";
import {
  adminRequest,
  answer,
  routeArgs,
  STAFF_ID,
  storeSessionWithoutShopify,
} from "~tests/support/admin.server";
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

  it("counts on lifetime value, P(alive) and churn risk, money in the shop's currency", async () => {
    await seedMembers(10);
    for (let i = 0; i < 10; i++) {
      const customerId = BigInt(1000 + i);
      await db.memberLifetimeValue.create({
        data: {
          shop: SHOP,
          customerId,
          fitId: "00000000-0000-4000-8000-000000000001",
          repeatPurchases: 1,
          recencyDays: 1,
          ageDays: 10,
          pAlive: i / 10,
          expectedPurchases90d: 1,
          expectedPurchases12m: 2,
          clv12mMinor: i * 1_000,
          computedAt: NOW,
        },
      });
      await db.memberChurnRisk.create({
        data: {
          shop: SHOP,
          customerId,
          runId: "00000000-0000-4000-8000-000000000002",
          risk: i / 10,
          atRisk: i >= 7,
          drivers: [],
          valueSource: "clv",
          intervention: {},
          computedAt: NOW,
        },
      });
    }
    expect((await count("minClv=50")).body).toMatchObject({ matching: 5, total: 12 });
    expect((await count("minClv=20&maxClv=40.5&minAlive=30")).body).toMatchObject({ matching: 2 });
    expect((await count("minRisk=50")).body).toMatchObject({ matching: 5 });
    expect((await count("atRisk=1&maxAlive=80")).body).toMatchObject({ matching: 2 });
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

describe("saved segments", () => {
  const create = (form: Record<string, string>) =>
    action(
      routeArgs(adminRequest(SHOP, "/app/insights/segments", { intent: "create-segment", ...form })),
    ).then(answer);
  const change = (id: string, form: Record<string, string>) =>
    savedSegmentAction(
      routeArgs(adminRequest(SHOP, `/app/insights/saved-segments/${id}`, form), { segmentId: id }),
    ).then(answer);

  it("saves the builder's conditions under a name, lists them with live counts, renames and deletes", async () => {
    await seedMembers(20);
    await db.member.updateMany({
      where: { shop: SHOP, customerId: { lt: 1005n } },
      data: { availablePoints: 800 },
    });
    const saved = await create({
      name: " Big balances ",
      description: "Hold 500 points or more",
      conditions: "minPoints=500",
    });
    expect(saved).toMatchObject({ status: 200, body: { ok: true, message: "Segment saved" } });
    const id = (saved.body as { segmentId: string }).segmentId;
    const row = await db.savedSegment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ shop: SHOP, name: "Big balances", createdBy: STAFF_ID });
    expect(row.conditions).toMatchObject({ version: 1, minPoints: 500 });

    let page = await load();
    expect(page.saved).toEqual([
      expect.objectContaining({
        id,
        name: "Big balances",
        matching: 5,
        total: 22,
        updatedAt: expect.stringMatching(/2026|20\d\d/),
      }),
    ]);
    expect(page.saved[0]!.fields).toMatchObject({ minPoints: "500", maxPoints: "" });

    // Dynamic: the count follows the members, not a list taken when it was saved.
    await db.member.updateMany({ where: { shop: SHOP, customerId: 1010n }, data: { availablePoints: 900 } });
    page = await load();
    expect(page.saved[0]!.matching).toBe(6);

    expect(
      await change(id, { intent: "update", name: "Savers", description: "", conditions: "minPoints=850" }),
    ).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect((await load()).saved[0]).toMatchObject({ name: "Savers", matching: 1 });
    expect(await change(id, { intent: "delete" })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await db.savedSegment.count()).toBe(0);
  });

  it("answers 422 with field errors and writes nothing", async () => {
    await create({ name: "Taken", conditions: "" });
    expect(await create({ name: "  ", conditions: "minPoints=-1&minClv=abc" })).toEqual({
      status: 422,
      body: {
        ok: false,
        status: 422,
        message: "Check the segment.",
        fieldErrors: {
          name: "Give the segment a name.",
          minPoints: "Enter a whole number of points, 0 or more.",
          minClvMinor: "Enter an amount of 0 or more.",
        },
      },
    });
    expect(await create({ name: "Taken", conditions: "" })).toMatchObject({
      status: 422,
      body: { fieldErrors: { name: "Another segment has this name." } },
    });
    expect(await create({ name: "x".repeat(81), conditions: "minAlive=90&maxAlive=10" })).toMatchObject({
      status: 422,
      body: {
        fieldErrors: { name: "At most 80 characters.", maxPAlive: "The minimum is above the maximum." },
      },
    });
    expect(await db.savedSegment.count()).toBe(1);
  });

  it("answers 404 for another shop's segment or a malformed id, and 400 for an unreadable form", async () => {
    const theirs = await db.savedSegment.create({
      data: { shop: "someone-else.myshopify.com", name: "Theirs", conditions: { version: 1 } },
    });
    expect(await change(theirs.id, { intent: "delete" })).toMatchObject({ status: 404 });
    expect(await change(theirs.id, { intent: "update", name: "Mine", conditions: "" })).toMatchObject({
      status: 404,
    });
    expect(await change("nope", { intent: "delete" })).toMatchObject({ status: 404 });
    expect(await change(theirs.id, { intent: "explode" })).toMatchObject({ status: 400 });
    expect(await db.savedSegment.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({
      name: "Theirs",
    });
  });
});
