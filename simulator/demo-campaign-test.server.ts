// The demo shop's measured campaign: a broadcast A/B ("Your points are waiting", two variants
// and a 20% holdout) sent `DEMO_CAMPAIGN_DAYS` before the end of history, so Admin › Campaigns ›
// report shows real figures. The app does it all through its own services, on that day's
// clock: `createBroadcast` (every member), `setCampaignTest`, `runBroadcast` and `deliverSend`
// (the worker's delivery) over SMTP into the emulator's mail catcher. Each customer who got a
// mail reads it as the generated customer would (their own open rate and click-through, from
// the shop's latent traits, × the variant's; the variant from the subject they read), through
// the app's pixel and redirect (`readMessage`) a few hours after delivery.
//
// Purchases: the generated history's orders were drawn before the campaign existed and stay as
// they are; on top of them, a customer who opened buys more for a while as the variant's true
// effect says (`DEMO_CAMPAIGN_EFFECTS`, behaviour/message-reaction.ts), and those extra orders
// reach the app as Shopify would send them (the emulator's store and signed orders/create and
// orders/paid webhooks, dated when they were placed). The true incremental margin of each
// variant is known exactly: every member the app exposed reacts to each variant with the same
// random numbers, and the extra orders' margin under a variant, summed over the arm's size, is
// what the report's net incremental margin estimates. (The headless run, `npm run sim` with
// scenarios/campaign-ab.json or campaign-channels.json, is the larger version.)
import { countBroadcastAudience, createBroadcast, runBroadcast } from "../app/campaigns/broadcasts.server";
import { deliverSend } from "../app/campaigns/deliver.server";
import { campaignReport } from "../app/campaigns/measure/report.server";
import { setCampaignTest } from "../app/campaigns/measure/test.server";
import type { PrismaClient } from "../app/db.server";
import { EVERYONE } from "../app/intelligence/segments/audience";
import type { Mailbox } from "../emulator/mail/mailbox";
import type { Emulator } from "../emulator/server";
import { orderPayload } from "../emulator/webhook-payloads";
import { subjectMatcher } from "./app-campaign.server";
import { minorText } from "./behaviour/history";
import { reactToMessage, type MessageReaction } from "./behaviour/message-reaction";
import { DAY_MS } from "./model/calendar";
import { Rng } from "./random/rng";
import { readMessage } from "./read-message.server";
import { customerState } from "./scenario/ground-truth";
import type { MessageResponse } from "./scenario/schema";
import type { GeneratedShop } from "./shop";

export const DEMO_CAMPAIGN_DAYS = 30;
/** The variants' true effect on a customer who opens them (the report's gross margin is 40%). */
export const DEMO_CAMPAIGN_EFFECTS: Record<string, MessageResponse> = {
  reminder: { openMultiplier: 1, clickMultiplier: 1, purchaseLift: 1, liftDays: 14 },
  "nearest-reward": { openMultiplier: 1.2, clickMultiplier: 1.3, purchaseLift: 2.5, liftDays: 21 },
};
const GROSS_MARGIN = 0.4;

const VARIANTS = [
  {
    key: "reminder",
    name: "Plain reminder",
    weight: 40,
    subject: "Your points are waiting at {shopName}",
    body: "Hi {firstName}, you have {balance} points. See what they buy: https://example.com/collections/all",
  },
  {
    key: "nearest-reward",
    name: "Nearest reward",
    weight: 40,
    subject: "{firstName}, your next reward is close",
    body: "Hi {firstName}, {nearestReward} is {pointsToNextReward} points away. Take a look: https://example.com/collections/new",
  },
];

export interface DemoCampaignTest {
  campaignId: string;
  sent: number;
  heldOut: number;
  opened: number;
  /** Orders the message brought (sent to the app as webhooks). */
  extraOrders: number;
  /**
   * Each variant's net incremental margin against the holdout (minor units) with its interval,
   * and the true one (the extra orders' margin the variant brings its arm, exactly).
   */
  variants: Array<{ key: string; estimate: number; lower: number; upper: number; truth: number } | null>;
  line: string;
}

/** Sends and measures the demo's campaign A/B; returns its figures and the line the demo prints. */
export async function startDemoCampaignTest(
  db: PrismaClient,
  shop: string,
  generated: GeneratedShop,
  emulator: Pick<Emulator, "store" | "sendWebhook"> & { mail: Mailbox | null },
  historyEnd: Date,
): Promise<DemoCampaignTest> {
  const mailbox = emulator.mail;
  if (!mailbox) throw new Error("The demo's campaign needs the emulator's mail catcher.");
  const sendAt = new Date(historyEnd.getTime() - DEMO_CAMPAIGN_DAYS * DAY_MS + 10 * 3_600_000);
  const counted = await countBroadcastAudience(db, shop, { kind: "conditions", conditions: EVERYONE });
  if (!counted.ok) throw new Error(`Demo campaign audience: ${counted.message}`);
  const created = await createBroadcast(
    db,
    shop,
    {
      campaign: {
        name: "Your points are waiting (A/B)",
        channel: "email",
        subject: VARIANTS[0]!.subject,
        body: VARIANTS[0]!.body,
      },
      broadcast: {
        audience: { kind: "conditions", conditions: EVERYONE },
        schedule: { kind: "now" },
        confirmedCount: counted.count,
      },
    },
    sendAt,
  );
  if (!created.ok)
    throw new Error(`Demo campaign refused: ${created.message} ${JSON.stringify(created.fieldErrors)}`);
  const set = await setCampaignTest(
    db,
    shop,
    created.campaignId,
    { holdoutPercent: 20, variants: VARIANTS.map((v) => ({ ...v, channel: "email" })) },
    { now: sendAt },
  );
  if (!set.ok)
    throw new Error(`Demo campaign test refused: ${set.message} ${JSON.stringify(set.fieldErrors)}`);

  const firstMail = mailbox.caught().at(-1)?.id ?? 0;
  const sendIds: string[] = [];
  await runBroadcast(db, created.runId, async (ids) => void sendIds.push(...ids), sendAt);
  let sent = 0;
  let heldOut = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < sendIds.length) {
        const outcome = await deliverSend(
          db,
          sendIds[next++]!,
          { finalAttempt: true },
          { now: () => sendAt, openAi: null },
        );
        if (outcome.status === "sent") sent++;
        if (outcome.status === "heldOut") heldOut++;
      }
    }),
  );
  await mailbox.waitFor(sent, 60_000).catch(() => undefined);

  // Every member the app exposed, in the arm it chose, and how each would react to each variant.
  const exposures = await db.experimentExposure.findMany({
    where: { shop, experimentId: set.value.experimentId },
    select: { customerId: true, variantKey: true },
  });
  const armOf = new Map(exposures.map((x) => [String(x.customerId), x.variantKey.split(":").pop()!]));
  const indexOf = new Map(generated.customers.map((c, i) => [String(c.id), i]));
  const reactions = new Map<string, Record<string, MessageReaction>>();
  for (const id of armOf.keys()) {
    const i = indexOf.get(id);
    if (i === undefined) continue;
    const state = customerState(generated.customers[i]!, generated.histories[i]!);
    reactions.set(
      id,
      Object.fromEntries(
        VARIANTS.map((v) => [
          v.key,
          reactToMessage(
            state,
            DEMO_CAMPAIGN_EFFECTS[v.key]!,
            Rng.forLabel(generated.params.seed, "demo-campaign", i),
            DEMO_CAMPAIGN_DAYS,
          ),
        ]),
      ),
    );
  }

  // The customers read what they received, as their generated selves would, and buy more.
  const customers = await db.customer.findMany({
    where: { shop, email: { not: null } },
    select: { id: true, email: true },
  });
  const idOf = new Map(customers.map((c) => [c.email!.toLowerCase(), String(c.id)]));
  const variantOf = subjectMatcher(VARIANTS);
  const rng = new Rng(0x5eed_ca11);
  let opened = 0;
  const extra: Array<{ customerId: string; at: Date; valueMinor: number }> = [];
  for (const caught of mailbox.caught()) {
    if (caught.id <= firstMail || typeof caught.mail.html !== "string") continue;
    const id = caught.to.map((to) => idOf.get(to.toLowerCase())).find(Boolean);
    const variant = variantOf(caught.mail.subject ?? "");
    const reaction = id && variant ? reactions.get(id)?.[variant] : undefined;
    if (!reaction?.opened) continue;
    opened++;
    const at = new Date(sendAt.getTime() + (1 + rng.float() * 8) * 3_600_000);
    await readMessage(db, { html: caught.mail.html, opened: true, clicked: reaction.clicked, at });
    for (const order of reaction.orders)
      extra.push({
        customerId: id!,
        at: new Date(at.getTime() + order.day * DAY_MS + rng.float() * 10 * 3_600_000),
        valueMinor: order.valueMinor,
      });
  }
  const placed = await placeExtraOrders(db, emulator, generated, shop, extra);

  const report = await campaignReport(db, shop, created.campaignId, { asOf: historyEnd });
  // The truth: the mean margin a variant's extra orders bring a member of the exposed
  // population, times the arm's size (the report's incremental margin is its per-member
  // difference against the holdout times the same size).
  const variants = VARIANTS.map((v) => {
    const arm = report?.arms.find((a) => a.key === v.key);
    const inc = arm?.incremental;
    let margin = 0;
    for (const r of reactions.values())
      for (const order of r[v.key]!.orders) margin += placed.revenueOf(order.valueMinor) * GROSS_MARGIN;
    const truth = reactions.size > 0 ? (margin / reactions.size) * (arm?.exposed ?? 0) : 0;
    return inc ? { key: v.key, estimate: inc.estimate, lower: inc.lower, upper: inc.upper, truth } : null;
  });
  const money = (minor: number) => (minor / 100).toFixed(0);
  const line =
    `Campaign A/B "Your points are waiting" (${DEMO_CAMPAIGN_DAYS} days ago): ${sent} emails to the mail catcher, ${heldOut} held out, ${opened} opened; ` +
    `net incremental margin (${generated.params.currency}) ` +
    variants
      .map((x, i) =>
        x
          ? `${VARIANTS[i]!.key} ${money(x.estimate)} [${money(x.lower)}, ${money(x.upper)}] (true ${money(x.truth)})`
          : `${VARIANTS[i]!.key} —`,
      )
      .join(", ") +
    `; ${placed.count} extra orders from readers (true lift: ` +
    VARIANTS.map((v) => {
      const e = DEMO_CAMPAIGN_EFFECTS[v.key]!;
      return `${v.key} +${e.purchaseLift * 100}% buying for ${e.liftDays} days after an open`;
    }).join(", ") +
    `).`;
  return {
    campaignId: created.campaignId,
    sent,
    heldOut,
    opened,
    extraOrders: placed.count,
    variants,
    line,
  };
}

/**
 * The readers' extra orders, as Shopify would have them: in the emulator's store, dated when
 * placed, and sent to the app as signed orders/create and orders/paid webhooks; resolves once
 * the worker has mirrored every one. An order is the catalog's variant priced nearest its value.
 */
async function placeExtraOrders(
  db: PrismaClient,
  emulator: Pick<Emulator, "store" | "sendWebhook">,
  generated: GeneratedShop,
  shop: string,
  extra: Array<{ customerId: string; at: Date; valueMinor: number }>,
) {
  const catalog = generated.catalog.products
    .flatMap((p) => p.variants.map((v) => ({ ...v, title: p.title, productId: p.id })))
    .sort((a, b) => a.priceMinor - b.priceMinor);
  const nearest = (valueMinor: number) =>
    catalog.reduce((best, v) =>
      Math.abs(v.priceMinor - valueMinor) < Math.abs(best.priceMinor - valueMinor) ? v : best,
    );
  const revenueOf = (valueMinor: number) => nearest(valueMinor).priceMinor;
  const records = emulator.store.findShop(shop)?.customers;
  const ids: bigint[] = [];
  for (const order of extra) {
    const line = nearest(order.valueMinor);
    const customer = records?.get(Number(order.customerId)) ?? null;
    const at = order.at.toISOString();
    const [record] = emulator.store.addOrders(shop, [
      {
        customerId: Number(order.customerId),
        email: customer?.email ?? undefined,
        financialStatus: "PAID",
        fulfillmentStatus: "UNFULFILLED",
        currencyCode: generated.params.currency,
        createdAt: at,
        processedAt: at,
        lineItems: [
          {
            title: line.title,
            quantity: 1,
            unitPrice: minorText(line.priceMinor),
            sku: line.sku,
            productId: line.productId,
            variantId: line.id,
          },
        ],
        shippingPrice: minorText(0),
        taxPrice: minorText(0),
        sourceName: "web",
      },
    ]);
    const payload = orderPayload(record!, { customer });
    await emulator.sendWebhook({ shop, topic: "orders/create", payload });
    await emulator.sendWebhook({ shop, topic: "orders/paid", payload });
    ids.push(BigInt(record!.legacyId));
  }
  for (let i = 0; i < 120 && ids.length > 0; i++) {
    if ((await db.order.count({ where: { shop, id: { in: ids } } })) === ids.length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return { count: ids.length, revenueOf };
}
