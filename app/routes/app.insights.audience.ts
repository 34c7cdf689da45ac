import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { parseAudience } from "~/intelligence/segments/audience";
import { countAudience } from "~/intelligence/segments/audience.server";
import { prisma } from "~/db.server";
import { authenticate } from "~/shopify.server";

// The segment builder's live count: how many members match the conditions in the query.

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const db = prisma();
  const shop = await db.shop.findUnique({ where: { domain: session.shop }, select: { currencyCode: true } });
  const parsed = parseAudience(new URL(request.url).searchParams, shop?.currencyCode ?? "USD");
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(
      Object.entries(z.flattenError(parsed.error).fieldErrors).map(([k, v]) => [k, (v as string[])[0] ?? ""]),
    );
    return data({ ok: false as const, message: "Check the conditions.", fieldErrors }, { status: 422 });
  }
  return { ok: true as const, ...(await countAudience(db, session.shop, parsed.data)) };
};
