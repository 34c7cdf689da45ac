import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { CostCard } from "~/admin/program/CostCard";
import { loadProgramPage, saveProgramSection } from "~/admin/program/program-page.server";
import { SectionPage } from "~/admin/program/SectionPage";
import { TiersCard } from "~/admin/program/TiersCard";
import { tiersOverview } from "~/admin/tiers/overview.server";
import { PerkStatusBanner } from "~/admin/tiers/PerkStatusBanner";
import { perkConfigCheck, perkStatus, queuePerkSync } from "~/admin/tiers/perks.server";
import { TiersOverviewCard } from "~/admin/tiers/TiersOverviewCard";
import { prisma } from "~/db.server";
import { logger } from "~/logger.server";
import { shopPrograms } from "~/loyalty/services/member-program.server";
import { currentProgram } from "~/loyalty/services/program.server";
import { readForm } from "~/request-body.server";
import { ShopifyUserError } from "~/shopify/graphql.server";
import { PerkConfigTooLarge, syncTierPerkDiscount } from "~/shopify/perk-discount.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Tiers · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const db = prisma();
  const now = new Date();
  const [page, program, perks] = await Promise.all([
    loadProgramPage(db, session.shop, now),
    currentProgram(db, session.shop),
    perkStatus(db, admin.graphql, session.shop, now),
  ]);
  const overview = await tiersOverview(db, session.shop, program.tiers, page.timeZone, now);
  return { ...page, overview, perks };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken, admin } = await authenticate.admin(request);
  const db = prisma();
  const now = new Date();
  const form = Object.fromEntries(await readForm(request));
  if (form.intent === "sync-perks") {
    try {
      const { all } = await shopPrograms(db, session.shop, now);
      await syncTierPerkDiscount(db, admin.graphql, session.shop, all, { now });
      return data({ ok: true as const });
    } catch (error) {
      if (!(error instanceof ShopifyUserError || error instanceof PerkConfigTooLarge)) throw error;
      logger().warn({ err: error, shop: session.shop }, "The tier-perk discount was not updated");
      return data({ ok: false as const, error: error.message }, { status: 422 });
    }
  }
  const outcome = await saveProgramSection(db, session.shop, "tiers", form, {
    staffId: sessionToken?.sub ?? null,
    check: await perkConfigCheck(db, session.shop, now),
    now,
  });
  if (!outcome.ok) return data(outcome, { status: outcome.status });
  const queueProblem = await queuePerkSync(db, session.shop, now);
  return data({ ok: true as const, version: outcome.version, queueProblem });
};

export default function TiersPage() {
  const page = useLoaderData<typeof loader>();
  return (
    <SectionPage
      section="tiers"
      version={page.version}
      saved={page.draft}
      currency={page.draft.currency}
      main={(body) => (
        <>
          <PerkStatusBanner status={page.perks} />
          <TiersOverviewCard overview={page.overview} currency={page.draft.currency} />
          <TiersCard {...body} />
        </>
      )}
      aside={({ draft }) => <CostCard draft={draft} live={page.draft} economics={page.economics} />}
    />
  );
}
