import { data, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { prisma } from "~/db.server";
import { reviewHeldOrder } from "~/loyalty/services/review.server";
import { authenticate } from "~/shopify.server";

// Staff release or reject an order held for review (ADR 0011), from the member page.

const id = /^\d{1,19}$/;
const inInt64 = (v: string) => id.test(v) && BigInt(v) <= 9_223_372_036_854_775_807n;

const reviewForm = z.object({
  orderId: z.string().refine(inInt64, { error: "Choose a held order." }),
  decision: z.enum(["release", "reject"], { error: "Choose release or reject." }),
});

export type ReviewAnswer =
  { ok: true; applied: boolean } | { ok: false; fieldErrors: Record<string, string> };

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const customerId = params.customerId ?? "";
  if (!inInt64(customerId)) throw new Response("Member not found", { status: 404 });
  const form = reviewForm.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) {
    const fieldErrors = Object.fromEntries(
      form.error.issues.map((i) => [String(i.path[0] ?? "_form"), i.message]),
    );
    return data<ReviewAnswer>({ ok: false, fieldErrors }, { status: 422 });
  }
  const result = await reviewHeldOrder(prisma(), {
    shop: session.shop,
    customerId: BigInt(customerId),
    orderId: BigInt(form.data.orderId),
    decision: form.data.decision,
    staffId: sessionToken?.sub ?? "staff",
    now: new Date(),
  });
  if (!result.member) throw new Response("Member not found", { status: 404 });
  return data<ReviewAnswer>({ ok: true, applied: result.applied });
};
