import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { bucketOf, variantAt } from "~/experiments/assignment";
import { redis } from "~/redis.server";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { saveCampaign, saveEmailSettings } from "../campaigns.server";
import { deliverSend, type DeliveryDeps } from "../deliver.server";
import { emailOnly, type EmailTransport, type OutgoingEmail } from "../transport.server";
import { clickRedirect, openPixel } from "./track-routes.server";
import { campaignReport } from "./report.server";
import { setCampaignTest } from "./test.server";
import { clickToken } from "./tracking.server";
import { readMessage } from "../../../simulator/read-message.server";

// A measured campaign against the real database: arms by the experiments' hash, the
// holdout exposed but sent nothing, the open pixel and the click redirect, and the report.

const db = prisma();
const SHOP = "campaigns-measure.myshopify.com";
const NOON = new Date("2026-12-07T12:00:00Z");
let sent: OutgoingEmail[];
const transport: EmailTransport = {
  async send(email) {
    sent.push(email);
    return { providerMessageId: `<${email.sendId}@test>` };
  },
};
const deps = (now = NOON, extra: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
  now: () => now,
  transportFor: () => emailOnly(transport),
  ...extra,
});

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  sent = [];
  await seedProgram(db, SHOP, {});
  await db.shop.update({ where: { domain: SHOP }, data: { name: "Lamp", ianaTimezone: "Europe/Paris" } });
  const saved = await saveEmailSettings(db, SHOP, {
    fromEmail: "rewards@lamp.example",
    smtpHost: "smtp.lamp.example",
    smtpPort: 587,
    memberCapCount: 50,
    memberCapDays: 7,
  });
  expect(saved).toEqual({ ok: true });
});

async function members(ids: bigint[]) {
  await db.customer.createMany({
    data: ids.map((id) => ({
      shop: SHOP,
      id,
      email: `m${id}@example.com`,
      emailConsent: true,
      firstName: "Ana",
    })),
  });
  for (const id of ids) await seedMember(db, SHOP, id, 0);
}

async function campaign() {
  const saved = await saveCampaign(
    db,
    SHOP,
    {
      name: "Upgrade",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "Default",
      body: "Default body",
      enabled: true,
    },
    { now: new Date(NOON.getTime() - 3_600_000) },
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return saved.campaign;
}

const TEST = {
  holdoutPercent: 20,
  variants: [
    {
      key: "a",
      name: "Plain",
      weight: 40,
      subject: "A for {firstName}",
      body: "Shop now: https://lamp.example/new?x=1&y=2",
    },
    {
      key: "b",
      name: "With points",
      weight: 40,
      subject: "B for {firstName}",
      body: "Here are 50 points. https://lamp.example/b and https://lamp.example/c",
      offer: { kind: "points", points: 50 },
    },
  ],
};

let occurrences = 0;
const queue = (campaignId: string, customerId: bigint) =>
  db.campaignSend.create({
    data: {
      shop: SHOP,
      campaignId,
      customerId,
      occurrence: `occ-${++occurrences}`,
      channel: "email",
      queuedAt: NOON,
    },
  });

describe("a campaign's test", () => {
  it("splits by the experiments' hash: the holdout is exposed and recorded but sent nothing; arms stick", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => BigInt(101 + i));
    await members(ids);
    const c = await campaign();
    const set = await setCampaignTest(db, SHOP, c.id, TEST);
    if (!set.ok) throw new Error(JSON.stringify(set));
    const experiment = await db.experiment.findUniqueOrThrow({
      where: { id: set.value.experimentId },
      include: { variants: { orderBy: { position: "asc" } } },
    });
    expect(experiment).toMatchObject({
      kind: "campaign",
      status: "running",
      exposureTrigger: "message",
      primaryMetric: "netMargin",
    });
    expect(experiment.variants.map((v) => [v.key, v.weight, v.control])).toEqual([
      ["holdout", 20, true],
      ["a", 40, false],
      ["b", 40, false],
    ]);
    // The arm each member must get, by the experiments' own functions.
    const expected = new Map(
      ids.map((id) => [id, variantAt(experiment.variants, bucketOf(SHOP, experiment.salt, id)).key]),
    );
    expect(new Set(expected.values())).toEqual(new Set(["holdout", "a", "b"]));

    for (const id of ids) {
      const send = await queue(c.id, id);
      const outcome = await deliverSend(db, send.id, { finalAttempt: false }, deps());
      expect(outcome.status).toBe(expected.get(id) === "holdout" ? "heldOut" : "sent");
    }
    const held = ids.filter((id) => expected.get(id) === "holdout");
    const mailed = sent.map((m) => m.to);
    for (const id of ids) expect(mailed.includes(`m${id}@example.com`)).toBe(expected.get(id) !== "holdout");
    for (const m of sent) {
      const id = BigInt(m.to.slice(1, -"@example.com".length));
      expect(m.subject).toBe(`${expected.get(id)!.toUpperCase()} for Ana`);
    }
    const sends = await db.campaignSend.findMany({ where: { shop: SHOP } });
    expect(
      sends
        .filter((s) => s.status === "heldOut")
        .map((s) => s.customerId)
        .sort(),
    ).toEqual(held.sort());
    for (const s of sends) expect(s.variantKey).toBe(expected.get(s.customerId));

    const exposures = await db.experimentExposure.findMany({ where: { experimentId: experiment.id } });
    expect(exposures).toHaveLength(ids.length);
    for (const x of exposures) {
      expect(x.variantKey).toBe(`${experiment.key}:${expected.get(x.customerId)}`);
      expect(x.trigger).toBe("message");
      expect(x.exposedAt).toEqual(NOON);
    }

    // A second message to the same members, a day later: the same arms, the exposure unchanged.
    const later = new Date(NOON.getTime() + 86_400_000);
    for (const id of ids.slice(0, 10)) {
      const send = await queue(c.id, id);
      await deliverSend(db, send.id, { finalAttempt: false }, deps(later));
      expect((await db.campaignSend.findUniqueOrThrow({ where: { id: send.id } })).variantKey).toBe(
        expected.get(id),
      );
    }
    expect(await db.experimentExposure.count({ where: { experimentId: experiment.id } })).toBe(ids.length);
    expect(
      (await db.experimentExposure.findMany({ where: { experimentId: experiment.id } })).every(
        (x) => x.exposedAt.getTime() === NOON.getTime(),
      ),
    ).toBe(true);

    // Variant b's offer: 50 points once per message it sent.
    const bSends = await db.campaignSend.count({ where: { shop: SHOP, variantKey: "b", status: "sent" } });
    const offered = await db.ledgerEntry.aggregate({
      where: { shop: SHOP, kind: "adjustment" },
      _sum: { points: true },
    });
    expect(offered._sum.points ?? 0).toBe(50 * bSends);

    // The report counts the holdout's sends as held out and the variants' as delivered.
    const report = await campaignReport(db, SHOP, c.id, { asOf: later, timeZone: "Europe/Paris" });
    const arm = (k: string) => report!.arms.find((a) => a.key === k)!;
    expect(arm("holdout")).toMatchObject({
      holdout: true,
      control: true,
      sent: held.length,
      delivered: 0,
      exposed: held.length,
    });
    expect(arm("a").exposed + arm("b").exposed).toBe(ids.length - held.length);

    // The arms are fixed once someone is exposed; bad input is a 422 and writes nothing.
    const changed = await setCampaignTest(db, SHOP, c.id, TEST);
    expect(changed).toMatchObject({ ok: false, status: 409 });
    const other = await campaign();
    const bad = await setCampaignTest(db, SHOP, other.id, { ...TEST, holdoutPercent: 30 });
    expect(bad).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { variants: "The holdout and the variants make 110%, not 100%." },
    });
    expect(
      await setCampaignTest(db, SHOP, other.id, {
        holdoutPercent: 0,
        variants: [{ ...TEST.variants[0], weight: 100 }],
      }),
    ).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { holdoutPercent: "Hold out a share, or compare two variants." },
    });
    expect(await db.experiment.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("waits for a variant's fixed shop-local hour", async () => {
    await members([7n]);
    const c = await campaign();
    const set = await setCampaignTest(db, SHOP, c.id, {
      holdoutPercent: 0,
      variants: [
        { ...TEST.variants[0], weight: 50, sendTime: { mode: "fixedHour", hour: 18 } },
        { ...TEST.variants[1], weight: 50, sendTime: { mode: "fixedHour", hour: 18 } },
      ],
    });
    expect(set.ok).toBe(true);
    const send = await queue(c.id, 7n);
    // 13:00 in Paris: wait until 18:00 Paris = 17:00 UTC.
    expect(await deliverSend(db, send.id, { finalAttempt: false }, deps())).toEqual({
      status: "wait",
      until: new Date("2026-12-07T17:00:00Z"),
      reason: "send time",
    });
    expect(
      await deliverSend(db, send.id, { finalAttempt: false }, deps(new Date("2026-12-07T17:00:00Z"))),
    ).toMatchObject({
      status: "sent",
    });
  });

  it("lets the campaign's quiet hours win over a variant's hour, and sends a best-hour variant at the stored hour", async () => {
    await members([8n, 9n]);
    const c = await campaign();
    await db.campaign.update({ where: { id: c.id }, data: { quietStartHour: 17, quietEndHour: 8 } });
    const set = await setCampaignTest(db, SHOP, c.id, {
      holdoutPercent: 0,
      variants: [
        { ...TEST.variants[0], weight: 50, sendTime: { mode: "fixedHour", hour: 18 } },
        { ...TEST.variants[1], weight: 50, sendTime: { mode: "fixedHour", hour: 18 } },
      ],
    });
    expect(set.ok).toBe(true);
    const quiet = await queue(c.id, 8n);
    // 18:00 in Paris is inside the quiet hours 17–8: the message waits for 08:00 (07:00 UTC).
    expect(await deliverSend(db, quiet.id, { finalAttempt: false }, deps())).toEqual({
      status: "wait",
      until: new Date("2026-12-08T07:00:00Z"),
      reason: "send time",
    });
    expect(
      await deliverSend(db, quiet.id, { finalAttempt: false }, deps(new Date("2026-12-07T17:00:00Z"))),
    ).toMatchObject({ status: "wait", until: new Date("2026-12-08T07:00:00Z") });

    const best = await campaign();
    expect(
      await setCampaignTest(db, SHOP, best.id, {
        holdoutPercent: 0,
        variants: TEST.variants.map((v) => ({ ...v, weight: 50, sendTime: { mode: "memberBestHour" } })),
      }),
    ).toMatchObject({ ok: true });
    await db.memberSendTime.create({
      data: {
        shop: SHOP,
        customerId: 9n,
        hour: 15,
        hourSource: "member",
        hourReason: "test",
        channel: "email",
        channels: ["email"],
        channelSource: "member",
        channelReason: "test",
        computedAt: NOON,
      },
    });
    const send = await queue(best.id, 9n);
    // The member's stored hour, 15:00 in Paris = 14:00 UTC.
    expect(await deliverSend(db, send.id, { finalAttempt: false }, deps())).toEqual({
      status: "wait",
      until: new Date("2026-12-07T14:00:00Z"),
      reason: "send time",
    });
    expect(
      await deliverSend(db, send.id, { finalAttempt: false }, deps(new Date("2026-12-07T14:00:00Z"))),
    ).toMatchObject({ status: "sent" });
  });
});

describe("tracking", () => {
  async function oneSent() {
    // Arms are drawn by hash of the experiment's id, which differs per run: send until arm B has a
    // message and there are at least six messages (at 50/50 the chance that 40 members all land in A
    // is 1e-12).
    const ids = Array.from({ length: 40 }, (_, i) => 201n + BigInt(i));
    await members(ids);
    const c = await campaign();
    await setCampaignTest(db, SHOP, c.id, {
      holdoutPercent: 0,
      variants: TEST.variants.map((v) => ({ ...v, weight: 50 })),
    });
    for (const id of ids) {
      const send = await queue(c.id, id);
      await deliverSend(db, send.id, { finalAttempt: false }, deps());
      if (sent.length >= 6 && sent.some((m) => m.subject.startsWith("B"))) break;
    }
    const mail = sent.find((m) => m.subject.startsWith("B"))!;
    const send = await db.campaignSend.findFirstOrThrow({ where: { id: mail.sendId } });
    const pixel = /<img src="([^"]+\/o\/[^"]+)"/.exec(mail.html)![1]!;
    const links = [...mail.html.matchAll(/href="([^"]+\/c\/[^"]+)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, "&"),
    );
    return { c, send, mail, pixel, links };
  }
  const tokenOf = (url: string) => url.split("/").pop()!;
  const get = (url: string, ua: string, ip: string) =>
    new Request(url, { headers: { "user-agent": ua, "x-forwarded-for": ip } });
  const IPHONE =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
  const minutes = (n: number) => new Date(NOON.getTime() + n * 60_000);

  it("rewrites the message's links and serves the pixel: always a no-store GIF, human opens counted once, Apple's prefetch flagged", async () => {
    const { c, send, mail, pixel, links } = await oneSent();
    expect(links).toHaveLength(2);
    expect(mail.html).toContain(">https://lamp.example/b</a>");
    expect(mail.text).toContain("/c/");
    expect(mail.text).not.toContain("https://lamp.example/b ");

    const answer = await openPixel(db, get(pixel, IPHONE, "203.0.113.5"), tokenOf(pixel), minutes(5));
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("image/gif");
    expect(answer.headers.get("cache-control")).toContain("no-store");
    expect(
      Buffer.from(await answer.arrayBuffer())
        .subarray(0, 6)
        .toString(),
    ).toBe("GIF89a");
    // A reload: nothing new. Bad tokens: the GIF, nothing recorded.
    await openPixel(db, get(pixel, IPHONE, "203.0.113.5"), tokenOf(pixel), minutes(5.5));
    for (const bad of [tokenOf(pixel).slice(0, -2) + "xx", "garbage", undefined]) {
      const r = await openPixel(db, get(pixel, IPHONE, "203.0.113.5"), bad, minutes(6));
      expect([r.status, r.headers.get("content-type")]).toEqual([200, "image/gif"]);
    }
    // Apple Mail Privacy Protection: the proxy's bare user agent from 17.0.0.0/8, a second after delivery.
    await openPixel(
      db,
      get(pixel, "Mozilla/5.0", "17.58.101.4"),
      tokenOf(pixel),
      new Date(NOON.getTime() + 1000),
    );
    const events = await db.messageEvent.findMany({ where: { sendId: send.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => [e.kind, e.bot, e.botReason, e.agentClass])).toEqual([
      ["open", true, "Apple Mail Privacy Protection prefetch", "apple-proxy"],
      ["open", false, null, "mobile"],
    ]);
    expect(events.every((e) => /^[0-9a-f]{32}$/.test(e.ipHash) && !e.ipHash.includes("203"))).toBe(true);

    const report = await campaignReport(db, SHOP, c.id, { asOf: minutes(60) });
    const b = report!.arms.find((a) => a.key === "b")!;
    expect(b.opens).toEqual({ human: 1, bot: 1 });
  });

  it("redirects a signed click to the message's URL only; tampered or foreign tokens get a 400; scanners are flagged", async () => {
    const { send, links } = await oneSent();
    const answer = await clickRedirect(
      db,
      get(links[0]!, IPHONE, "198.51.100.7"),
      tokenOf(links[0]!),
      minutes(3),
    );
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("https://lamp.example/b");
    expect(answer.headers.get("cache-control")).toBe("no-store");

    const token = tokenOf(links[1]!);
    const [payload, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify(["c", send.id, "https://evil.example/phish"])).toString(
      "base64url",
    );
    for (const bad of [
      `${forged}.${signature}`,
      `${payload}.${signature!.slice(0, -3)}abc`,
      clickToken(send.id, "https://evil.example/phish", "another-secret"),
      "nonsense",
    ]) {
      const r = await clickRedirect(db, get(links[1]!, IPHONE, "198.51.100.7"), bad, minutes(4));
      expect(r.status).toBe(400);
      expect(r.headers.get("location")).toBeNull();
      expect(await r.text()).toContain("This link is not valid");
    }
    // A scanner: every link within a second, or within seconds of delivery.
    await clickRedirect(
      db,
      get(links[0]!, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "192.0.2.9"),
      tokenOf(links[0]!),
      minutes(20),
    );
    await clickRedirect(
      db,
      get(links[1]!, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "192.0.2.9"),
      token,
      new Date(minutes(20).getTime() + 800),
    );
    await clickRedirect(db, get(links[1]!, IPHONE, "192.0.2.10"), token, new Date(NOON.getTime() + 2000));
    const clicks = await db.messageEvent.findMany({
      where: { sendId: send.id, kind: "click" },
      orderBy: { at: "asc" },
    });
    expect(clicks.map((e) => [e.url, e.bot, e.botReason])).toEqual([
      ["https://lamp.example/c", true, "Clicked within 10 s of delivery"],
      ["https://lamp.example/b", false, null],
      ["https://lamp.example/b", false, null],
      ["https://lamp.example/c", true, "Several links clicked within 5 s (link scanner)"],
    ]);
  });

  it("lets a simulated reader open and click through the real endpoints (simulator/read-message.server.ts)", async () => {
    const { c, mail } = await oneSent();
    const read = await readMessage(db, {
      html: mail.html,
      opened: true,
      clicked: true,
      at: minutes(90),
      linkIndex: 1,
    });
    expect(read).toEqual({ open: 200, click: { status: 302, location: "https://lamp.example/c" } });
    const other = sent.find((m) => m.sendId !== mail.sendId)!;
    expect(
      await readMessage(db, { html: other.html, opened: false, clicked: false, at: minutes(90) }),
    ).toEqual({
      open: null,
      click: null,
    });
    const report = await campaignReport(db, SHOP, c.id, { asOf: minutes(120) });
    const b = report!.arms.find((a) => a.key === "b")!;
    expect([b.opens, b.clicks]).toEqual([
      { human: 1, bot: 0 },
      { human: 1, bot: 0 },
    ]);
  });
});
