import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { MigrationScreen } from "~/admin/migration/MigrationScreen";
import { loadMigrationPage, migrationAction } from "~/admin/migration/migration-page.server";
import { prisma } from "~/db.server";
import { BODY_LIMITS, readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Migrate from another app · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadMigrationPage(prisma(), session.shop, new URL(request.url));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const form = await readForm(request, BODY_LIMITS.migrationUpload);
  const outcome = await migrationAction(prisma(), session.shop, form, sessionToken?.sub ?? null);
  return data(outcome.body, { status: outcome.status });
};

export default function MigrationPage() {
  return <MigrationScreen page={useLoaderData<typeof loader>()} />;
}
