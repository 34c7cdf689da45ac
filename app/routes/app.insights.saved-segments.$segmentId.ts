import { data, type ActionFunctionArgs } from "@remix-run/node";
import { savedSegmentAction } from "~/admin/segments/segments-page.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

// One saved segment: save changes to its name, description and conditions, or delete it.

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const answer = await savedSegmentAction(
    prisma(),
    session.shop,
    params.segmentId ?? "",
    await readForm(request),
    sessionToken?.sub ?? null,
  );
  return data(answer, { status: answer.ok ? 200 : answer.status });
};
