import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { staffLabel } from "~/admin/components/staff";
import { staffNames } from "~/shopify/staff.server";
import { programFieldErrors } from "~/loyalty/program";
import {
  currentProgramVersion,
  programHistory,
  ProgramVersionConflict,
  saveProgram,
} from "~/loyalty/services/program.server";
import { formErrors, fromDraft, programDraftSchema, toDraft } from "./form";
import { parseJsonField, unreadableForm } from "../form-answers";

// The program page's data: the current version as an editable draft, and its history;
// and the save, which turns every way it can fail into an answer the page can show.

export const HISTORY_LENGTH = 25;

export async function loadProgramPage(db: PrismaClient, shop: string) {
  const current = await currentProgramVersion(db, shop);
  const history = await programHistory(db, shop, HISTORY_LENGTH);
  const names = await staffNames(
    db,
    shop,
    history.map((h) => h.createdBy),
  );
  return {
    version: current.version,
    draft: toDraft(current.program),
    history: history.map((h) => ({
      ...h,
      createdAt: h.createdAt.toISOString(),
      createdByName: h.createdBy ? staffLabel(h.createdBy, names) : null,
    })),
  };
}

export type SaveOutcome =
  | { ok: true; version: number }
  | { ok: false; status: 400 | 409 | 422; message: string; fieldErrors: Record<string, string> };

const submissionSchema = z.object({
  basedOn: z.coerce.number().int().min(1),
  note: z.string().trim().max(200).optional(),
  program: z.string().max(500_000),
});

/** Saves a submitted draft as the next version, based on the version the editor loaded. */
export async function saveProgramDraft(
  db: PrismaClient,
  shop: string,
  form: Record<string, unknown>,
  staffId: string | null,
): Promise<SaveOutcome> {
  const submission = submissionSchema.safeParse(form);
  const draft = submission.success
    ? programDraftSchema.safeParse(parseJsonField(submission.data.program))
    : null;
  if (!submission.success || !draft?.success) {
    return unreadableForm();
  }
  const input = {
    ...fromDraft(draft.data),
    currency: (await currentProgramVersion(db, shop)).program.currency,
  };
  try {
    const saved = await saveProgram(db, shop, input, {
      basedOn: submission.data.basedOn,
      createdBy: staffId,
      note: submission.data.note || null,
    });
    return { ok: true, version: saved.version };
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
