import type { LoaderFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { downloadDataExport } from "~/admin/privacy/exports.server";
import { authenticate } from "~/shopify.server";

// GET /app/privacy/:id: the customer data export as a JSON attachment, for the signed-in
// shop only. The Privacy page fetches it (App Bridge adds the session token).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const file = await downloadDataExport(prisma(), session.shop, params.id ?? "");
  if (!file) return Response.json({ message: "Data export not found" }, { status: 404 });
  return new Response(file.json, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
