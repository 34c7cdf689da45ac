import { z } from "zod";

// The manual adjustment form, parsed the same way in the browser (to show mistakes as the
// staff types) and on the server (the only parse that counts).

export const MAX_ADJUSTMENT_POINTS = 1_000_000;

export const adjustmentFormSchema = z.object({
  points: z.coerce
    .number({ error: "Enter a number of points." })
    .int({ error: "Points are whole numbers." })
    .refine((n) => n !== 0, { error: "Enter points to add (positive) or remove (negative)." })
    .refine((n) => Math.abs(n) <= MAX_ADJUSTMENT_POINTS, {
      error: `At most ${MAX_ADJUSTMENT_POINTS.toLocaleString("en-US")} points at a time.`,
    }),
  reason: z
    .string({ error: "Say why you are adjusting the balance." })
    .trim()
    .min(3, { error: "Say why you are adjusting the balance." })
    .max(500, { error: "Keep the reason under 500 characters." }),
  // A fresh id per rendered form: the idempotency key, so a double submit applies once.
  adjustmentId: z.uuid({ error: "The form is out of date; reload the page." }),
  // The staff confirmed taking the balance below zero.
  allowNegative: z
    .union([z.literal("true"), z.literal("false"), z.literal("on"), z.literal(""), z.boolean()])
    .optional()
    .transform((v) => v === true || v === "true" || v === "on"),
});

export type AdjustmentForm = z.output<typeof adjustmentFormSchema>;

/** Field errors keyed by form field name. */
export function adjustmentFieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[String(issue.path[0] ?? "_form")] ??= issue.message;
  return fields;
}

/** Parses the submitted form (FormData entries or a plain object). */
export function parseAdjustmentForm(
  input: FormData | Record<string, unknown>,
): { ok: true; value: AdjustmentForm } | { ok: false; fieldErrors: Record<string, string> } {
  const raw = input instanceof FormData ? Object.fromEntries(input) : input;
  const points = typeof raw.points === "string" ? raw.points.replace(/[\s,]/g, "") : raw.points;
  const parsed = adjustmentFormSchema.safeParse({ ...raw, points: points === "" ? undefined : points });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, fieldErrors: adjustmentFieldErrors(parsed.error) };
}
