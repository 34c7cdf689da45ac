import type { Job } from "bullmq";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { createQueue } from "~/jobs/queue.server";
import { SCHEDULES } from "~/jobs/schedules.server";
import { redis } from "~/redis.server";
import { loadCampaignsPage } from "~/admin/campaigns/page.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { campaignsProcessor } from "../../workers/processors/campaigns";
import { purgeExpiredInboxMessages } from "./inbox-purge.server";

// The daily purge of expired widget inbox messages on the real database and Redis: the
// schedule asks for one job per shop that has any; each deletes only its shop's expired
// messages, in batches, and keeps the unexpired ones and every send (the message log, which
// then says "expired").

const db = prisma();
const A = "purge-a.myshopify.com";
const B = "purge-b.myshopify.com";
const C = "purge-c.myshopify.com";
const NOW = new Date();
const DAY = 86_400_000;

let n = 0;
async function message(shop: string, customerId: bigint, expiresInDays: number) {
  n += 1;
  const campaign = await db.campaign.create({
    data: {
      shop,
      name: `c${n}`,
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "s",
      body: "b",
      channel: "inbox",
    },
  });
  const send = await db.campaignSend.create({
    data: {
      shop,
      campaignId: campaign.id,
      customerId,
      occurrence: `o${n}`,
      channel: "inbox",
      status: "sent",
    },
  });
  return db.inboxMessage.create({
    data: {
      shop,
      customerId,
      sendId: send.id,
      title: `Message ${n}`,
      body: "Hello",
      createdAt: new Date(NOW.getTime() + (expiresInDays - 30) * DAY),
      expiresAt: new Date(NOW.getTime() + expiresInDays * DAY),
    },
  });
}

const idsOf = async (shop: string) =>
  (await db.inboxMessage.findMany({ where: { shop }, orderBy: { title: "asc" } })).map((m) => m.title);

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  for (const domain of [A, B, C]) await db.shop.create({ data: { domain } });
});

describe("the expired inbox purge", () => {
  it("runs daily: one job per shop with expired messages, each deleting only its shop's, in batches", async () => {
    expect(SCHEDULES.find((s) => s.id === "schedule-inbox-purge")).toMatchObject({
      queue: QUEUE.campaigns,
      pattern: "0 5 * * *",
    });
    for (const days of [-40, -10, -1]) await message(A, 1n, days);
    await message(A, 2n, -0.001);
    await message(A, 1n, 5);
    await message(B, 1n, -3);
    await message(B, 1n, 20);
    await message(C, 1n, 1);
    const keptA = (await db.inboxMessage.findMany({ where: { shop: A, expiresAt: { gt: NOW } } }))[0]!;

    const queue = createQueue(QUEUE.campaigns, redis());
    const run = campaignsProcessor(db, queue, redis(), async () => {
      throw new Error("no Shopify call expected");
    });
    expect(await run({ name: "schedule-inbox-purge", data: {} } as Job)).toEqual({ shops: 2 });
    const jobs = await queue.getJobs(["waiting"]);
    expect(
      jobs.map((j) => [j.name, j.data]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual([
      ["purge-inbox-messages", { shop: A }],
      ["purge-inbox-messages", { shop: B }],
    ]);

    // Batches of 2 over A's four expired messages: two full batches and an empty one.
    expect(await purgeExpiredInboxMessages(db, A, new Date(), 2)).toBe(4);
    expect(await idsOf(A)).toEqual([keptA.title]);
    expect(await db.inboxMessage.count({ where: { shop: B } })).toBe(2);
    expect(await run({ name: "purge-inbox-messages", data: { shop: B } } as Job)).toEqual({ deleted: 1 });
    expect(await db.inboxMessage.count({ where: { shop: B } })).toBe(1);
    expect(await db.inboxMessage.count({ where: { shop: C } })).toBe(1);
    // Every send stays, for the log and the measurement; a rerun deletes nothing.
    expect(await db.campaignSend.count()).toBe(8);
    expect(await run({ name: "purge-inbox-messages", data: { shop: A } } as Job)).toEqual({ deleted: 0 });
    expect(
      await run({ name: "purge-inbox-messages", data: { shop: "" } } as Job).catch((e: Error) => e.name),
    ).toBe("UnrecoverableError");
    await queue.close();

    // The admin's message log says a purged message expired, and an unexpired one is unread.
    const page = await loadCampaignsPage(db, A);
    expect(
      page.recent.map((m) => (m.inboxExpired ? "expired" : m.readAt ? "read" : "unread")).sort(),
    ).toEqual(["expired", "expired", "expired", "expired", "unread"]);
  });
});
