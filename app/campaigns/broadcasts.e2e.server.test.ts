import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { campaignsAction } from "~/admin/campaigns/page.server";
import { prisma } from "~/db.server";
import { EVERYONE, storedConditions } from "~/intelligence/segments/audience";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, createQueue } from "~/jobs/queue.server";
import { createRedis, redis } from "~/redis.server";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { startSmtpSink, type SmtpSink } from "~tests/support/smtp-sink";
import { resetDatabase } from "~tests/support/webhooks.server";
import { campaignsProcessor } from "../../workers/processors/campaigns";
import { saveCampaign, saveEmailSettings } from "./campaigns.server";
import { localDate } from "./scheduled-triggers";
import { enqueueBroadcastRun } from "./jobs.server";
import { waitFor, flushRedisQuietly } from "~tests/support/campaign-e2e";

/** The broadcast runs in batches: a longer wait than the other end-to-end tests. */
const waitLonger = <T>(probe: () => Promise<T | null | undefined | false>) => waitFor(probe, 20_000);

// A broadcast end to end: created through the admin page's action (as the New broadcast
// flow posts it) → the run-broadcast job in a BullMQ worker → its sends' delivery jobs →
// nodemailer → a local SMTP server. The segment's consenting members get one mail each; the
// run enqueued again, and the per-minute sweep, add nothing. And a state-read trigger (birthday)
// through the quarter-hourly schedule, once.

const db = prisma();
const SHOP = "broadcasts-e2e.myshopify.com";
const connection = createRedis();
const campaigns = createQueue(QUEUE.campaigns, connection);
let smtp: SmtpSink;
let worker: Worker;

beforeAll(async () => {
  smtp = await startSmtpSink();
  worker = new Worker(
    QUEUE.campaigns,
    campaignsProcessor(
      db,
      campaigns,
      connection,
      async () => {
        throw new Error("no Shopify call expected");
      },
      { sendJobOptions: { attempts: 3, backoff: { type: "fixed", delay: 200 } } },
    ),
    { connection: createRedis(), concurrency: 4 },
  );
});
afterAll(async () => {
  await worker.close();
  await campaigns.close();
  await closeQueues();
  await smtp.close();
});
beforeEach(async () => {
  await resetDatabase(db);
  await flushRedisQuietly(worker, () => redis().flushdb());
  smtp.messages.length = 0;
  smtp.recipients.length = 0;
  await seedProgram(db, SHOP, {});
  await db.shop.update({
    where: { domain: SHOP },
    data: { name: "Lamp & Co", ianaTimezone: "Europe/Paris" },
  });
  expect(
    await saveEmailSettings(db, SHOP, {
      fromEmail: "rewards@lamp.example",
      smtpHost: "127.0.0.1",
      smtpPort: smtp.port,
    }),
  ).toEqual({ ok: true });
});

describe("a broadcast to a saved segment", () => {
  it("mails the segment's consenting members once; running it again sends nothing", async () => {
    const people = [
      [1n, "ana@example.com", true, 900],
      [2n, "ben@example.com", false, 900],
      [3n, "chloe@example.com", true, 700],
      [4n, "dan@example.com", true, 10],
    ] as const;
    for (const [id, email, emailConsent, points] of people) {
      await db.customer.create({
        data: { shop: SHOP, id, email, emailConsent, firstName: email.split("@")[0] },
      });
      await seedMember(db, SHOP, id, points);
    }
    const segment = await db.savedSegment.create({
      data: { shop: SHOP, name: "Savers", conditions: storedConditions({ ...EVERYONE, minPoints: 500 }) },
    });
    const form = new FormData();
    for (const [k, v] of Object.entries({
      intent: "create-broadcast",
      audienceKind: "segment",
      segmentId: segment.id,
      name: "Spring",
      subject: "{firstName}, spring is here",
      body: "You have {balance} points.",
      when: "now",
      confirmedCount: "3",
    }))
      form.set(k, v);
    const answer = await campaignsAction(db, SHOP, form, {
      enqueue: (runId, sendAt) => enqueueBroadcastRun(campaigns, runId, sendAt),
    });
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });

    const mails = await smtp.waitFor(2);
    expect(smtp.recipients.flat().sort()).toEqual(["ana@example.com", "chloe@example.com"]);
    expect(mails.map((m) => m.subject).sort()).toEqual(["ana, spring is here", "chloe, spring is here"]);
    const run = await waitLonger(async () => {
      const r = await db.broadcastRun.findFirst({ where: { shop: SHOP } });
      return r?.status === "sent" ? r : null;
    });
    expect(run).toMatchObject({ audienceCount: 3, queuedCount: 3 });
    await waitLonger(async () => (await db.campaignSend.count({ where: { status: "queued" } })) === 0);
    const sends = await db.campaignSend.findMany({ orderBy: { customerId: "asc" } });
    expect(sends.map((s) => [s.customerId, s.status, s.occurrence])).toEqual([
      [1n, "sent", run.id],
      [2n, "suppressed", run.id],
      [3n, "sent", run.id],
    ]);

    // The same run enqueued again, and the sweep: no new send, no new mail.
    await enqueueBroadcastRun(campaigns, run.id, new Date());
    await campaigns.add("schedule-campaigns", {});
    await waitLonger(
      async () => (await campaigns.getJobCounts("waiting", "active", "delayed")).waiting === 0,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await db.campaignSend.count()).toBe(3);
    expect(smtp.messages).toHaveLength(2);
  });
});

describe("a scheduled trigger through the worker", () => {
  it("the quarter-hourly schedule mails today's birthdays once", async () => {
    const today = localDate(new Date(), "Europe/Paris");
    await db.customer.create({
      data: { shop: SHOP, id: 1n, email: "ana@example.com", emailConsent: true, firstName: "Ana" },
    });
    await seedMember(db, SHOP, 1n, 0);
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 1n } },
      data: { birthdayMonth: today.month, birthdayDay: today.day },
    });
    const saved = await saveCampaign(db, SHOP, {
      name: "Birthday",
      kind: "trigger",
      trigger: "birthday",
      subject: "Happy birthday, {firstName}!",
      body: "From {shopName}.",
      enabled: true,
    });
    expect(saved.ok).toBe(true);
    await campaigns.add("schedule-scheduled-triggers", {});
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe("Happy birthday, Ana!");
    await campaigns.add("schedule-scheduled-triggers", {});
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await db.campaignSend.count()).toBe(1);
    expect(smtp.messages).toHaveLength(1);
  });
});
