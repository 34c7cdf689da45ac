import { createHash } from "node:crypto";
import type { PrismaClient } from "~/db.server";
import type { OpenAiClient } from "~/openai.server";
import type { TemplateValues } from "../template";
import { askForCopy } from "./ask.server";
import { favouriteCategory } from "./context.server";
import { lineAnswer, lineProblem, type BrandVoice } from "./copy";
import { messageKindOf, templateLine } from "./fallback";
import { linePrompt } from "./prompt";
import { brandVoiceOf } from "./voice.server";

// Send-time personalisation: a campaign that asks for it gets, after its first paragraph,
// one line written for the member's context. Members are grouped into buckets (tier,
// nearest reward, how close they are to it, favourite category) and each bucket's line is
// written once per version of the campaign's content and cached in CampaignPersonalLine,
// so 10,000 members cost a handful of calls. The line uses the template variables, so each
// member still gets their own name and numbers, and the prompt never carries a name or
// address. Any failure (no key, cap, timeout, refusal) gives the template engine's line;
// nothing here can stop or fail a send.

type Campaign = {
  id: string;
  shop: string;
  trigger: string | null;
  subject: string;
  body: string;
  brief: string;
  personalize: boolean;
};

export const LINE_TIMEOUT_MS = 8_000;
/** A bucket being written by another worker is waited for this long, then the template line is used. */
const WAIT_FOR_WRITER_MS = 10_000;
/** A writer that left its claim this long ago has died: the next send takes over. */
const STALE_CLAIM_MS = 60_000;
/** A bucket the template engine wrote (OpenAI failed) is retried after this long. */
const RETRY_FALLBACK_MS = 15 * 60_000;
const PENDING = "pending";

export type PersonalisationDeps = { openAi: OpenAiClient | null; now?: () => Date; timeoutMs?: number };

export const progressBand = (balance: number, missing: number): string => {
  if (missing <= 0) return "redeemable";
  const progress = balance / (balance + missing);
  return progress >= 0.75 ? "close" : progress >= 0.25 ? "halfway" : "starting";
};

export function contentVersion(campaign: Campaign, voice: BrandVoice, model: string): string {
  return createHash("sha256")
    .update(
      [campaign.subject, campaign.body, campaign.brief, voice.tone, voice.description, model].join("\u0000"),
    )
    .digest("hex")
    .slice(0, 16);
}

/** The body with `line` as its second paragraph (after the greeting), or last when it has one paragraph. */
export function withLine(body: string, line: string): string {
  const paragraphs = body.split(/\n\s*\n/);
  if (paragraphs.length < 2) return `${body.trimEnd()}\n\n${line}`;
  return [paragraphs[0], line, ...paragraphs.slice(1)].join("\n\n");
}

/** The campaign's subject and body for this member: the body with their personal line when the campaign asks for one. */
export async function personalisedCopy(
  db: PrismaClient,
  campaign: Campaign,
  values: TemplateValues,
  customerId: bigint,
  deps: PersonalisationDeps,
): Promise<{ subject: string; body: string }> {
  if (!campaign.personalize) return campaign;
  const canRedeem = values.nearestReward !== null && values.pointsToNextReward <= 0;
  let voice: BrandVoice = { tone: "friendly", description: "" };
  let category: string | null = null;
  try {
    [voice, category] = await Promise.all([
      brandVoiceOf(db, campaign.shop),
      favouriteCategory(db, campaign.shop, customerId),
    ]);
    const line = await bucketLine(db, campaign, values, voice, category, deps);
    return { subject: campaign.subject, body: withLine(campaign.body, line) };
  } catch {
    // The database or anything else failed: the member still gets their message.
    return {
      subject: campaign.subject,
      body: withLine(campaign.body, templateLine({ canRedeem, favouriteCategory: category }, voice.tone)),
    };
  }
}

async function bucketLine(
  db: PrismaClient,
  campaign: Campaign,
  values: TemplateValues,
  voice: BrandVoice,
  category: string | null,
  deps: PersonalisationDeps,
): Promise<string> {
  const clock = deps.now ?? (() => new Date());
  const canRedeem = values.nearestReward !== null && values.pointsToNextReward <= 0;
  const fallback = templateLine({ canRedeem, favouriteCategory: category }, voice.tone);
  const bucket = [
    values.tierName ?? "-",
    values.nearestReward ?? "-",
    progressBand(values.balance, values.pointsToNextReward),
    category ?? "-",
  ].join("|");
  const version = contentVersion(campaign, voice, deps.openAi?.chatModel ?? "template");
  const key = {
    campaignId_contentVersion_bucket: { campaignId: campaign.id, contentVersion: version, bucket },
  };

  const deadline = Date.now() + WAIT_FOR_WRITER_MS;
  for (;;) {
    const now = clock();
    const row = await db.campaignPersonalLine.findUnique({ where: key });
    if (row && row.writtenBy !== PENDING) {
      const retry =
        row.writtenBy === "template" && now.getTime() - row.createdAt.getTime() > RETRY_FALLBACK_MS;
      if (!retry) return row.line;
      if (await takeOver(db, campaign.id, version, bucket, row.createdAt, now)) break;
    } else if (!row) {
      const created = await db.campaignPersonalLine.createMany({
        data: [
          {
            shop: campaign.shop,
            campaignId: campaign.id,
            contentVersion: version,
            bucket,
            line: "",
            writtenBy: PENDING,
            createdAt: now,
          },
        ],
        skipDuplicates: true,
      });
      if (created.count === 1) break;
    } else if (now.getTime() - row.createdAt.getTime() > STALE_CLAIM_MS) {
      if (await takeOver(db, campaign.id, version, bucket, row.createdAt, now)) break;
    }
    if (Date.now() > deadline) return fallback;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  // This send holds the bucket's claim: write the line, then let the others read it.
  let line = fallback;
  let writtenBy = "template";
  let reason: string | null = null;
  try {
    const answer = await askForCopy(
      db,
      campaign.shop,
      deps.openAi,
      {
        name: "personal_line",
        schema: lineAnswer,
        ...linePrompt({
          shopName: values.shopName,
          kind: messageKindOf(campaign.trigger),
          voice,
          subject: campaign.subject,
          context: { ...values, favouriteCategory: category },
        }),
        maxTokens: 200,
        timeoutMs: deps.timeoutMs ?? LINE_TIMEOUT_MS,
        maxRetries: 0,
        texts: ({ line: text }) => lineProblem(text) ?? [text],
      },
      clock(),
    );
    if (answer.ok) {
      line = answer.value.line.replace(/\s+/g, " ").trim();
      writtenBy = "openai";
    } else reason = answer.reason;
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  await db.campaignPersonalLine.update({ where: key, data: { line, writtenBy, reason, createdAt: clock() } });
  return line;
}

async function takeOver(
  db: PrismaClient,
  campaignId: string,
  contentVersion: string,
  bucket: string,
  seen: Date,
  now: Date,
): Promise<boolean> {
  const taken = await db.campaignPersonalLine.updateMany({
    where: { campaignId, contentVersion, bucket, createdAt: seen },
    data: { writtenBy: PENDING, createdAt: now },
  });
  return taken.count === 1;
}
