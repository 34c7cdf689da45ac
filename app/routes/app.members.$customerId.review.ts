import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { HeldOrderRow } from "~/components/members/HeldOrdersCard";
import { z } from "zod";
import { prisma } from "~/db.server";
import { heldOrders, reviewHeldOrder } from "~/loyalty/services/review.server";
import { authenticate } from "~/shopify.server";

// Orders held for review (ADR 0011): the member page lists them here, and staff release or reject one.

const id = /^\d{1,19}$/;
const inInt64 = (v: string) => id.test(v) && BigInt(v) <= 9_223_372_036_854_775_807n;

const reviewForm = z.object({
  orderId: z.string().refine(inInt64, { error: "Choose a held order." }),
  decision: z.enum(["release", "reject"], { error: "Choose release or reject." }),
});

export type ReviewAnswer =
  { ok: true; applied: boolean } | { ok: false; fieldErrors: Record<string, string> };

function customerIdFrom(param: string | undefined): bigint {
  if (!param || !inInt64(param)) throw new Response("Member not found", { status: 404 });
  return BigInt(param);
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const held = await heldOrders(prisma(), session.shop, customerIdFrom(params.customerId));
  return {
    held: held.map<HeldOrderRow>((h) => ({
      orderId: h.orderId.toString(),
      points: h.points,
      placedAt: h.placedAt.toISOString(),
    })),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const customerId = customerIdFrom(params.customerId);
  const form = reviewForm.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) {
    const fieldErrors = Object.fromEntries(
      form.error.issues.map((i) => [String(i.path[0] ?? "_form"), i.message]),
    );
    return data<ReviewAnswer>({ ok: false, fieldErrors }, { status: 422 });
  }
  const result = await reviewHeldOrder(prisma(), {
    shop: session.shop,
    customerId,
    orderId: BigInt(form.data.orderId),
    decision: form.data.decision,
    staffId: sessionToken?.sub ?? "staff",
    now: new Date(),
  });
  if (!result.member) throw new Response("Member not found", { status: 404 });
  return data<ReviewAnswer>({ ok: true, applied: result.applied });
};
