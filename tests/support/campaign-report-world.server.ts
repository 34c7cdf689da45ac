import type { PrismaClient } from "~/db.server";
import { saveCampaign } from "~/campaigns/campaigns.server";
import reference from "~/campaigns/measure/reference/campaign-report.json";
import { campaignExperiment, exposeArm, setCampaignTest } from "~/campaigns/measure/test.server";

// A measured campaign with a known outcome: the python reference's members
// (app/campaigns/measure/reference/campaign_report.py) as sends, exposures, orders before
// and after their message and used rewards, plus engagement counted by hand: variant a's
// members 3–7 opened (member 3 twice, from two places), 8 only through Apple's proxy, 3 also
// through it; 3 and 4 clicked, 9's link was scanned; b's member 0 opened; a's first three
// sends failed (still exposed: intent to treat).

type Member = (typeof reference.members)[number];

export const sendIdOf = (m: Member) => `00000000-0000-4000-8000-${String(m.customerId).padStart(12, "0")}`;

export async function seedMeasuredCampaign(
  db: PrismaClient,
  shop: string,
  name = "Win-back",
): Promise<string> {
  const saved = await saveCampaign(db, shop, {
    name,
    kind: "trigger",
    trigger: "tierUpgrade",
    subject: "Default",
    body: "Default",
    enabled: true,
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  const campaignId = saved.campaign.id;
  const variant = (key: string, vname: string, weight: number) => ({
    key,
    name: vname,
    weight,
    subject: key,
    body: key,
  });
  const set = await setCampaignTest(
    db,
    shop,
    campaignId,
    {
      holdoutPercent: 34,
      grossMarginPercent: reference.grossMarginPercent,
      variants: [variant("a", "Plain reminder", 33), variant("b", "Reminder + 50 points", 33)],
    },
    { now: new Date("2026-11-01T00:00:00Z") },
  );
  if (!set.ok) throw new Error(JSON.stringify(set));
  const experiment = (await campaignExperiment(db, shop, set.value.experimentId))!;
  const members: Member[] = reference.members;
  await db.customer.createMany({
    data: members.map((m) => ({
      shop: shop,
      id: BigInt(m.customerId),
      email: `${m.customerId}@example.com`,
    })),
  });
  await db.member.createMany({
    data: members.map((m) => ({
      shop: shop,
      customerId: BigInt(m.customerId),
      enrolledAt: new Date("2025-01-01T00:00:00Z"),
    })),
  });
  let orderId = 1n;
  const order = (m: Member, o: { at: string; totalMinor: number }) => ({
    shop: shop,
    id: orderId++,
    customerId: BigInt(m.customerId),
    name: `#${orderId}`,
    currencyCode: "USD",
    subtotalMinor: BigInt(o.totalMinor),
    totalMinor: BigInt(o.totalMinor),
    financialStatus: "paid",
    shopifyCreatedAt: new Date(o.at),
  });
  // Orders before exposure first: the exposure records them as its covariate.
  await db.order.createMany({ data: members.flatMap((m) => m.pre.map((o) => order(m, o))) });
  const byArm = (arm: string) => members.filter((m) => m.arm === arm);
  for (const m of members) {
    const at = new Date(m.exposedAt);
    const failed = m.arm === "a" && byArm("a").indexOf(m) < 3;
    await db.campaignSend.create({
      data: {
        id: sendIdOf(m),
        shop: shop,
        campaignId,
        customerId: BigInt(m.customerId),
        occurrence: "run-1",
        channel: "email",
        variantKey: m.arm,
        status: m.arm === "holdout" ? "heldOut" : failed ? "failed" : "sent",
        attempts: m.arm === "holdout" ? 0 : 1,
        sentAt: at,
      },
    });
    await exposeArm(db, shop, experiment, BigInt(m.customerId), m.arm, at);
  }
  await db.order.createMany({ data: members.flatMap((m) => m.post.map((o) => order(m, o))) });
  await db.redemption.createMany({
    data: members
      .filter((m) => m.rewardCost > 0)
      .map((m) => ({
        shop: shop,
        customerId: BigInt(m.customerId),
        rewardId: "five",
        reward: {
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: m.rewardCost, currency: "USD" } },
        },
        pointsCost: 500,
        programVersion: 1,
        experimentVariants: [],
        status: "used" as const,
        createdAt: new Date(new Date(m.exposedAt).getTime() + 86_400_000),
      })),
  });
  // Engagement, counted by hand below: variant a's members 3–7 opened (member 3 twice, from two
  // places), 8 only through Apple's proxy, 3 also through it; 3 and 4 clicked, 9's link was scanned.
  const a = byArm("a");
  const b = byArm("b");
  const event = (m: Member, kind: "open" | "click", minutes: number, bot: string | null, ip = "h1") => ({
    shop: shop,
    campaignId,
    sendId: sendIdOf(m),
    kind,
    url: kind === "click" ? "https://lamp.example/" : null,
    at: new Date(new Date(m.exposedAt).getTime() + minutes * 60_000),
    agentClass: bot ? "apple-proxy" : "mobile",
    ipHash: ip,
    bot: bot !== null,
    botReason: bot,
  });
  await db.messageEvent.createMany({
    data: [
      ...[3, 4, 5, 6, 7].map((i) => event(a[i]!, "open", 30, null)),
      event(a[3]!, "open", 90, null, "h2"),
      event(a[8]!, "open", 0.01, "Apple Mail Privacy Protection prefetch"),
      event(a[3]!, "open", 0.02, "Apple Mail Privacy Protection prefetch"),
      event(a[3]!, "click", 31, null),
      event(a[4]!, "click", 32, null),
      event(a[9]!, "click", 0.05, "Clicked within 10 s of delivery"),
      event(b[0]!, "open", 600, null),
    ],
  });
  return campaignId;
}
