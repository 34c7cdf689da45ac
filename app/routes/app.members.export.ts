import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseListParams } from "~/admin/members/list-params";
import { memberListContext } from "~/admin/members/list-page.server";
import { exportFilename, streamMembersCsv } from "~/admin/members/member-export.server";
import { prisma } from "~/db.server";
import { authenticate } from "~/shopify.server";

// GET /app/members/export?<the list's query string>: the members the list shows, every
// page of them, as a CSV streamed from a database cursor. Signed-in shop only.
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const params = parseListParams(new URL(request.url).searchParams);
  const now = new Date();
  const context = await memberListContext(prisma(), session.shop, now);
  const body = await streamMembersCsv(session.shop, params, context);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${exportFilename(session.shop, now)}"`,
      "Cache-Control": "no-store",
    },
  });
}
