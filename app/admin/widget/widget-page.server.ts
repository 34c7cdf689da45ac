import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { programFieldErrors } from "~/loyalty/program";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { ShopifyUserError, type AdminGraphql } from "~/shopify/graphql.server";
import { readWidgetMetafield, writeWidgetMetafield } from "~/shopify/widget-metafield.server";
import {
  readAppearance,
  widgetAppearanceSchema,
  type WidgetAppearance,
} from "~/storefront/widget-appearance";
import { parseJsonField, unreadableForm } from "../form-answers";
import { previewDocument } from "./preview.server";

// /app/widget: the storefront widget's appearance, stored in the shop's `$app.widget`
// metafield, with a live preview of the guest's and a member's panel rendered by the
// extension's own Liquid, script and stylesheet. A preview is asked for as the merchant
// types (intent "preview", nothing written); "save" writes the metafield.

async function previews(db: PrismaClient, shop: string, appearance: WidgetAppearance, now: Date) {
  const { program } = await currentProgramVersion(db, shop);
  const [guest, member] = await Promise.all([
    previewDocument(appearance, program, "guest", now),
    previewDocument(appearance, program, "member", now),
  ]);
  return { guest, member };
}

export async function loadWidgetPage(db: PrismaClient, graphql: AdminGraphql, shop: string, now: Date) {
  const stored = await readWidgetMetafield(graphql);
  const appearance = readAppearance(stored);
  return { appearance, saved: stored !== null, previews: await previews(db, shop, appearance, now) };
}

export type WidgetOutcome =
  | { ok: true; saved: boolean; appearance: WidgetAppearance; previews: { guest: string; member: string } }
  | { ok: false; status: 400 | 422 | 502; message: string; fieldErrors: Record<string, string> };

const submissionSchema = z.object({
  intent: z.enum(["preview", "save"]),
  appearance: z.string().max(10_000),
});

export async function widgetAction(
  db: PrismaClient,
  graphql: AdminGraphql,
  shop: string,
  form: Record<string, unknown>,
  now: Date,
): Promise<WidgetOutcome> {
  const submission = submissionSchema.safeParse(form);
  const raw = submission.success ? parseJsonField(submission.data.appearance) : undefined;
  if (!submission.success || typeof raw !== "object" || raw === null) return unreadableForm();
  const parsed = widgetAppearanceSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      status: 422,
      message: "Some settings need a fix before the widget can use them.",
      fieldErrors: programFieldErrors(parsed.error),
    };
  const appearance = parsed.data;
  if (submission.data.intent === "save") {
    try {
      await writeWidgetMetafield(graphql, JSON.stringify(appearance));
    } catch (error) {
      if (!(error instanceof ShopifyUserError)) throw error;
      return {
        ok: false,
        status: 502,
        message: `Shopify did not save it: ${error.message}`,
        fieldErrors: {},
      };
    }
  }
  return {
    ok: true,
    saved: submission.data.intent === "save",
    appearance,
    previews: await previews(db, shop, appearance, now),
  };
}
