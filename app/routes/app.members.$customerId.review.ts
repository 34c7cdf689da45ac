import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { HeldOrderRow } from "~/admin/members/HeldOrdersCard";
import { prisma } from "~/db.server";
import { heldOrdersForPage, reviewFromForm } from "~/loyalty/services/review.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

// Orders held for review (ADR 0011): the member page lists them here, and staff release or reject one.

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const held: HeldOrderRow[] | null = await heldOrdersForPage(prisma(), session.shop, params.customerId);
  if (!held) throw new Response("Member not found", { status: 404 });
  return { held };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const { status, answer } = await reviewFromForm(prisma(), {
    shop: session.shop,
    customerId: params.customerId,
    form: await readForm(request),
    staffId: sessionToken?.sub ?? "staff",
    now: new Date(),
  });
  if (status === 404) throw new Response("Member not found", { status });
  return data(answer, { status });
};
