import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PoliciesCard } from "~/admin/program/PoliciesCard";
import { loadProgramPage, saveProgramSection } from "~/admin/program/program-page.server";
import { SectionPage } from "~/admin/program/SectionPage";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Expiry and policies · Program · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadProgramPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const form = Object.fromEntries(await readForm(request));
  const outcome = await saveProgramSection(prisma(), session.shop, "policies", form, {
    staffId: sessionToken?.sub ?? null,
  });
  return data(outcome.ok ? { ok: true as const, version: outcome.version } : outcome, {
    status: outcome.ok ? 200 : outcome.status,
  });
};

export default function PoliciesPage() {
  const page = useLoaderData<typeof loader>();
  return (
    <SectionPage
      section="policies"
      version={page.version}
      saved={page.draft}
      currency={page.draft.currency}
      main={(body) => <PoliciesCard {...body} />}
    />
  );
}
