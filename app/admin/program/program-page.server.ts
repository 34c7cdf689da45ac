import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { isStorableText, UNSTORABLE_MESSAGE } from "~/db/storable-text";
import { programFieldErrors, programSchema, type Program } from "~/loyalty/program";
import { costRiseToConfirm, programCost, type CostChange } from "~/loyalty/program-cost";
import type { SaveIssue } from "~/loyalty/program-rewards";
import { staffLabel } from "~/admin/components/staff";
import { staffNames } from "~/shopify/staff.server";
import {
  currentProgramVersion,
  programHistory,
  ProgramVersionConflict,
  saveProgram,
} from "~/loyalty/services/program.server";
import { liveFields } from "../experiments/form";
import { parseJsonField, unreadableForm } from "../form-answers";
import { shopEconomics } from "./economics.server";
import { formErrors, fromDraft, programDraftSchema, toDraft, type ProgramDraft } from "./form";
import { PROGRAM_SECTIONS, type SectionKey } from "./sections";

// The program pages' data: the live version as an editable draft, the shop's figures the
// cost preview rests on, and the history; and the save of one section, which merges the
// section's parts into the live version and turns every way it can fail into an answer.

export const HISTORY_LENGTH = 25;

export async function loadProgramPage(db: PrismaClient, shop: string, now = new Date()) {
  // First: a shop's first read writes version 1, which the history must include.
  const current = await currentProgramVersion(db, shop);
  const [history, economics, shopRow] = await Promise.all([
    programHistory(db, shop, HISTORY_LENGTH),
    shopEconomics(db, shop, now),
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
  ]);
  const names = await staffNames(
    db,
    shop,
    history.map((h) => h.createdBy),
  );
  return {
    version: current.version,
    draft: toDraft(current.program),
    economics,
    timeZone: shopRow?.ianaTimezone ?? "UTC",
    history: history.map((h) => ({
      ...h,
      createdAt: h.createdAt.toISOString(),
      createdByName: h.createdBy ? staffLabel(h.createdBy, names) : null,
    })),
  };
}

export type SaveOutcome =
  | { ok: true; version: number; program: Program }
  | { ok: false; status: 400 | 409 | 422; message: string; fieldErrors: Record<string, string> }
  | {
      ok: false;
      status: 409;
      message: string;
      fieldErrors: Record<string, string>;
      /** The save raises the reward cost per 100 of sales by more than the confirmation share. */
      confirmCost: CostChange & { experimentUrl: string | null };
    };

const submissionSchema = z.object({
  basedOn: z.coerce.number().int().min(1),
  note: z.string().trim().max(200).refine(isStorableText, UNSTORABLE_MESSAGE).optional(),
  section: z.string().max(500_000),
  confirmCost: z.enum(["yes"]).optional(),
});

export interface SaveOptions {
  staffId: string | null;
  /** More to refuse in the program about to be saved (e.g. the perk config's size). */
  check?: (program: Program) => SaveIssue[];
  now?: Date;
}

/**
 * Saves a section's parts over the live version as the next version, based on the version
 * the page loaded. A change that raises the reward cost per 100 of member sales by more
 * than COST_RISE_CONFIRM_SHARE answers 409 with the figures until it is confirmed.
 */
export async function saveProgramSection(
  db: PrismaClient,
  shop: string,
  section: SectionKey,
  form: Record<string, unknown>,
  options: SaveOptions,
): Promise<SaveOutcome> {
  const { parts, lever } = PROGRAM_SECTIONS[section];
  const mask = Object.fromEntries(parts.map((p) => [p, true])) as { [K in keyof ProgramDraft]?: true };
  const partSchema = programDraftSchema.pick(mask);
  const submission = submissionSchema.safeParse(form);
  const part = submission.success ? partSchema.safeParse(parseJsonField(submission.data.section)) : null;
  if (!submission.success || !part?.success) return unreadableForm();
  const current = await currentProgramVersion(db, shop);
  // The editor has no messages or widget-copy section (the widget page and the experiments
  // own them): the live copy, a shipped variant's included, carries over instead of the defaults.
  const input = {
    ...fromDraft({ ...toDraft(current.program), ...part.data, currency: current.program.currency }),
    messages: current.program.messages,
    widgetCopy: current.program.widgetCopy,
  };

  const next = programSchema.safeParse({ ...input, version: current.version + 1 });
  if (next.success && !submission.data.confirmCost) {
    const economics = await shopEconomics(db, shop, options.now ?? new Date());
    const rise = costRiseToConfirm(
      programCost(current.program, economics),
      programCost(next.data, economics),
    );
    if (rise) {
      const percent = Math.round(rise.rise * 100);
      return {
        ok: false,
        status: 409,
        message: `This change raises the reward cost per 100 of member sales by ${percent}%.`,
        fieldErrors: {},
        confirmCost: { ...rise, experimentUrl: lever ? experimentUrl(lever, next.data) : null },
      };
    }
  }
  try {
    const saved = await saveProgram(db, shop, input, {
      basedOn: submission.data.basedOn,
      createdBy: options.staffId,
      note: submission.data.note || null,
      check: options.check,
    });
    return { ok: true, version: saved.version, program: saved.program };
  } catch (error) {
    if (error instanceof z.ZodError) {
      return {
        ok: false,
        status: 422,
        message: "Some settings need a fix before the program can be saved.",
        fieldErrors: formErrors(programFieldErrors(error)),
      };
    }
    if (error instanceof ProgramVersionConflict) {
      return {
        ok: false,
        status: 409,
        message: `Someone saved version ${error.actual} while you were editing. Reload to see it, then make your changes again.`,
        fieldErrors: {},
      };
    }
    throw error;
  }
}

/** The create flow with the lever chosen and the treatment's fields set to the change. */
export function experimentUrl(lever: string, changed: Program): string {
  const params = new URLSearchParams({ lever, treatment: JSON.stringify(liveFields(changed)) });
  return `/app/experiments/new?${params}`;
}
