import { z } from "zod";
import { MAX_ADJUSTMENT_POINTS } from "./adjustment-form";
import { adjustmentFieldErrors } from "./adjustment-form";

// The bulk adjustment form: points and a reason for the selected members, or for every
// member matching the list's current filter. Parsed in the browser to show mistakes as
// the staff types, and on the server (the parse that counts).

export const bulkFormSchema = z.object({
  points: z.coerce
    .number({ error: "Enter a number of points." })
    .int({ error: "Points are whole numbers." })
    .refine((n) => n !== 0, {
      error: "Enter points to add (positive) or remove (negative); zero changes nothing.",
    })
    .refine((n) => Math.abs(n) <= MAX_ADJUSTMENT_POINTS, {
      error: `At most ${MAX_ADJUSTMENT_POINTS.toLocaleString("en-US")} points at a time.`,
    }),
  reason: z
    .string({ error: "Say why you are adjusting these balances." })
    .trim()
    .min(3, { error: "Say why you are adjusting these balances." })
    .max(500, { error: "Keep the reason under 500 characters." }),
  // A fresh id per opened form: the bulk's idempotency key, so a double submit applies once.
  bulkId: z.uuid({ error: "The form is out of date; reload the page." }),
  // "ids": the members ticked on this page; "filter": every member the filter matches.
  selection: z.enum(["ids", "filter"], { error: "Select members first." }),
  customerIds: z
    .string()
    .default("")
    .transform((v) => v.split(",").filter(Boolean))
    .pipe(
      z
        .array(z.string().regex(/^\d{1,19}$/, { error: "The selection could not be read; reload the page." }))
        .max(250),
    ),
  // The list's query string when the selection is "filter".
  filter: z.string().max(2_000).default(""),
});

export type BulkForm = z.output<typeof bulkFormSchema>;

export function parseBulkForm(
  input: FormData | Record<string, unknown>,
): { ok: true; value: BulkForm } | { ok: false; fieldErrors: Record<string, string> } {
  const raw = input instanceof FormData ? Object.fromEntries(input) : input;
  const points = typeof raw.points === "string" ? raw.points.replace(/[\s,]/g, "") : raw.points;
  const parsed = bulkFormSchema.safeParse({ ...raw, points: points === "" ? undefined : points });
  if (!parsed.success) return { ok: false, fieldErrors: adjustmentFieldErrors(parsed.error) };
  if (parsed.data.selection === "ids" && parsed.data.customerIds.length === 0)
    return { ok: false, fieldErrors: { _form: "Select at least one member." } };
  return { ok: true, value: parsed.data };
}
