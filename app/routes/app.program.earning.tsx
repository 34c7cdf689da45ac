import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { CampaignsCard } from "~/admin/program/CampaignsCard";
import { CostCard } from "~/admin/program/CostCard";
import { EarningCard } from "~/admin/program/EarningCard";
import { MultipliersCard } from "~/admin/program/MultipliersCard";
import { PreviewCard } from "~/admin/program/PreviewCard";
import { loadProgramPage, saveProgramSection } from "~/admin/program/program-page.server";
import { SectionPage } from "~/admin/program/SectionPage";
import { parseDraft } from "~/admin/program/CostCard";
import { productTitles } from "~/admin/program/titles.server";
import { prisma } from "~/db.server";
import { currentProgram } from "~/loyalty/services/program.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Earning · Program · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const db = prisma();
  const [page, program] = await Promise.all([
    loadProgramPage(db, session.shop),
    currentProgram(db, session.shop),
  ]);
  return { ...page, titles: await productTitles(db, session.shop, program) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const form = Object.fromEntries(await readForm(request));
  const outcome = await saveProgramSection(prisma(), session.shop, "earning", form, {
    staffId: sessionToken?.sub ?? null,
  });
  return data(outcome.ok ? { ok: true as const, version: outcome.version } : outcome, {
    status: outcome.ok ? 200 : outcome.status,
  });
};

export default function EarningPage() {
  const page = useLoaderData<typeof loader>();
  return (
    <SectionPage
      section="earning"
      version={page.version}
      saved={page.draft}
      currency={page.draft.currency}
      main={(body) => (
        <>
          <EarningCard {...body} />
          <MultipliersCard {...body} titles={page.titles} />
          <CampaignsCard {...body} />
        </>
      )}
      aside={({ draft }) => (
        <>
          <CostCard draft={draft} live={page.draft} economics={page.economics} />
          <PreviewCard source={parseDraft(draft)} currency={draft.currency} />
        </>
      )}
    />
  );
}
