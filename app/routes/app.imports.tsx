import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ImportsScreen } from "~/admin/imports/ImportsScreen";
import { importsAction, loadImportsPage } from "~/admin/imports/imports-page.server";
import { prisma } from "~/db.server";
import { BODY_LIMITS, readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Reviews & engagement · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadImportsPage(prisma(), session.shop, new URL(request.url));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await readForm(request, BODY_LIMITS.migrationUpload);
  const outcome = await importsAction(prisma(), session.shop, form);
  return data(outcome.body, { status: outcome.status });
};

export default function ImportsPage() {
  return <ImportsScreen page={useLoaderData<typeof loader>()} />;
}
