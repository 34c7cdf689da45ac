import type { PrismaClient } from "~/db.server";
import { emailContent } from "~/campaigns/content";
import { sampleValues, templateProblem } from "~/campaigns/template";
import { aiBudget, formatUsd } from "~/campaigns/writer/budget.server";
import { favouriteCategory } from "~/campaigns/writer/context.server";
import { isTone } from "~/campaigns/writer/copy";
import { templateLine } from "~/campaigns/writer/fallback";
import { withLine } from "~/campaigns/writer/personalize.server";
import { saveWriterSettings } from "~/campaigns/writer/voice.server";
import { writeCopy, writeRequestSchema } from "~/campaigns/writer/write.server";
import { openAi } from "~/openai.server";

// The editor's AI writer and HTML preview: generate variants (OpenAI or the template
// engine, with the reason), save the brand voice and monthly budget, and render the email
// as the sample member receives it. The API key never leaves the server: the page only
// learns whether one is configured.

export type WriterAnswer =
  | {
      ok: true;
      written: {
        variants: Array<{ subject: string; body: string }>;
        writtenBy: "openai" | "template";
        reason: string | null;
        used: string;
        cap: string;
      };
    }
  | { ok: true; preview: { subject: string; html: string } }
  | { ok: true; saved: "writer" }
  | { ok: false; error: string; fieldErrors: Record<string, string> };

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

export async function loadWriter(db: PrismaClient, shop: string, now = new Date()) {
  const [settings, budget] = await Promise.all([
    db.campaignSettings.findUnique({
      where: { shop },
      select: { brandTone: true, brandVoice: true, aiMonthlyCapMicros: true },
    }),
    aiBudget(db, shop, now),
  ]);
  return {
    configured: openAi() !== null,
    brandTone: settings?.brandTone ?? "friendly",
    brandVoice: settings?.brandVoice ?? "",
    capUsd: (budget.capMicros / 1_000_000).toString(),
    used: formatUsd(budget.usedMicros),
    cap: formatUsd(budget.capMicros),
    calls: budget.calls,
  };
}

export async function writerAction(
  db: PrismaClient,
  shop: string,
  intent: string,
  form: FormData,
): Promise<{ status: number; body: WriterAnswer } | null> {
  if (intent === "write-copy") {
    const parsed = writeRequestSchema.safeParse({
      trigger: text(form, "trigger") || null,
      brief: text(form, "brief"),
    });
    if (!parsed.success)
      return {
        status: 422,
        body: {
          ok: false,
          error: "Check the brief.",
          fieldErrors: { brief: parsed.error.issues[0]!.message },
        },
      };
    const written = await writeCopy(db, shop, parsed.data, { openAi: openAi() });
    return {
      status: 200,
      body: {
        ok: true,
        written: {
          variants: written.variants,
          writtenBy: written.writtenBy,
          reason: written.reason,
          used: formatUsd(written.budget.usedMicros),
          cap: formatUsd(written.budget.capMicros),
        },
      },
    };
  }
  if (intent === "save-writer") {
    const cap = text(form, "aiMonthlyCapUsd").trim();
    const answer = await saveWriterSettings(db, shop, {
      brandTone: text(form, "brandTone"),
      brandVoice: text(form, "brandVoice"),
      aiMonthlyCapUsd: /^\d+(\.\d+)?$/.test(cap) ? Number(cap) : Number.NaN,
    });
    if (answer.ok) return { status: 200, body: { ok: true, saved: "writer" } };
    return {
      status: 422,
      body: { ok: false, error: "Check the brand voice.", fieldErrors: answer.fieldErrors },
    };
  }
  if (intent === "preview") {
    const subject = text(form, "subject");
    const body = text(form, "body");
    const problem = templateProblem(subject) ?? templateProblem(body);
    if (problem) return { status: 422, body: { ok: false, error: problem, fieldErrors: {} } };
    const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { name: true } });
    const values = sampleValues(shopRow?.name ?? shop);
    let copy = { subject, body };
    if (text(form, "personalize") === "true") {
      const settings = await db.campaignSettings.findUnique({ where: { shop }, select: { brandTone: true } });
      const tone = settings && isTone(settings.brandTone) ? settings.brandTone : "friendly";
      const line = templateLine(
        { canRedeem: false, favouriteCategory: await favouriteCategory(db, shop, null) },
        tone,
      );
      copy = { subject, body: withLine(body, line) };
    }
    const mail = await emailContent(copy, values, "#unsubscribe");
    return { status: 200, body: { ok: true, preview: { subject: mail.subject, html: mail.html } } };
  }
  return null;
}
