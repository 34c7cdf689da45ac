import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { CostCard } from "~/admin/program/CostCard";
import { loadProgramPage, saveProgramSection } from "~/admin/program/program-page.server";
import { SectionPage } from "~/admin/program/SectionPage";
import { RewardsCatalogue } from "~/admin/rewards/RewardsCatalogue";
import { productTitles } from "~/admin/program/titles.server";
import { rewardUsage } from "~/admin/rewards/usage.server";
import { prisma } from "~/db.server";
import { currentProgram } from "~/loyalty/services/program.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Rewards · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const db = prisma();
  const [page, usage, program] = await Promise.all([
    loadProgramPage(db, session.shop),
    rewardUsage(db, session.shop),
    currentProgram(db, session.shop),
  ]);
  return { ...page, usage, titles: await productTitles(db, session.shop, program) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const form = Object.fromEntries(await readForm(request));
  const outcome = await saveProgramSection(prisma(), session.shop, "rewards", form, {
    staffId: sessionToken?.sub ?? null,
  });
  return data(outcome.ok ? { ok: true as const, version: outcome.version } : outcome, {
    status: outcome.ok ? 200 : outcome.status,
  });
};

export default function RewardsPage() {
  const page = useLoaderData<typeof loader>();
  const savedIds = page.draft.rewards.map((r) => r.id);
  return (
    <SectionPage
      section="rewards"
      version={page.version}
      saved={page.draft}
      currency={page.draft.currency}
      ownSaveButtons
      main={(body) => (
        <>
          <RewardsCatalogue
            {...body}
            usage={page.usage}
            titles={page.titles}
            timeZone={page.timeZone}
            savedIds={savedIds}
          />
          <CostCard draft={body.draft} live={page.draft} economics={page.economics} />
        </>
      )}
    />
  );
}
