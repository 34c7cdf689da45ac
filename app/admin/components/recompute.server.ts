import { z } from "zod";
import { logger } from "~/logger.server";

// The Insights pages' Recompute button (lifetime value, churn risk): 400 on a form it does
// not understand, 202 when a computation was queued, 200 when one was already on its way,
// 503 when the queue is away.

const recomputeForm = z.object({ intent: z.literal("recompute") });

export type Recomputed<T> = ({ ok: true } & T) | { ok: false; error: string };

export async function recomputeFromForm<T extends { created: boolean }>(
  form: FormData,
  shop: string,
  what: string,
  request: () => Promise<T>,
): Promise<{ status: number; body: Recomputed<T> }> {
  if (!recomputeForm.safeParse(Object.fromEntries(form)).success)
    return { status: 400, body: { ok: false, error: "The request was not understood." } };
  try {
    const answer = await request();
    return { status: answer.created ? 202 : 200, body: { ok: true, ...answer } };
  } catch (error) {
    logger().warn({ err: error, shop }, `Could not queue ${what}`);
    return {
      status: 503,
      body: { ok: false, error: "The computation could not be queued right now. Try again in a minute." },
    };
  }
}
