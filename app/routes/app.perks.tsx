import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { draftFromSettings, settingsFromForm } from "~/admin/perks/form";
import { PerkPreviewCard } from "~/admin/perks/PerkPreviewCard";
import { TierPerksCard } from "~/admin/perks/TierPerksCard";
import { prisma } from "~/db.server";
import { logger } from "~/logger.server";
import { shopPrograms } from "~/loyalty/services/member-program.server";
import { readForm } from "~/request-body.server";
import { ShopifyUserError } from "~/shopify/graphql.server";
import { loadPerksPage, PerkConfigTooLarge, syncTierPerkDiscount } from "~/shopify/perk-discount.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Tier perks · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const db = prisma();
  const [{ all }, shopRow] = await Promise.all([
    shopPrograms(db, session.shop, new Date()),
    db.shop.findUnique({ where: { domain: session.shop }, select: { ianaTimezone: true } }),
  ]);
  const page = await loadPerksPage(db, admin.graphql, session.shop, all);
  return { ...page, timeZone: shopRow?.ianaTimezone ?? "UTC" };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const parsed = settingsFromForm(Object.fromEntries(await readForm(request)));
  if (!parsed.ok)
    return data({ ok: false as const, fieldErrors: parsed.fieldErrors, error: null }, { status: 422 });
  try {
    const db = prisma();
    const { all } = await shopPrograms(db, session.shop, new Date());
    const result = await syncTierPerkDiscount(db, admin.graphql, session.shop, all, {
      settings: parsed.settings,
    });
    return data({ ok: true as const, action: result.action });
  } catch (error) {
    if (error instanceof PerkConfigTooLarge)
      return data({ ok: false as const, fieldErrors: {}, error: error.message }, { status: 422 });
    if (!(error instanceof ShopifyUserError)) throw error;
    logger().warn({ err: error, shop: session.shop }, "Shopify refused the tier-perk discount");
    return data({ ok: false as const, fieldErrors: {}, error: error.message }, { status: 422 });
  }
};

export default function PerksPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const shopify = useAppBridge();
  const [draft, setDraft] = useState(() => draftFromSettings(page.settings));
  const result = fetcher.data;
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok)
      shopify.toast.show(
        result.action === "created" ? "Tier-perk discount created" : "Tier-perk discount updated",
      );
  }, [fetcher.state, result, shopify]);
  const submit = () =>
    fetcher.submit(
      {
        discountClass: draft.discountClass,
        excludedProductTags: draft.excludedProductTags,
        ...(draft.productDiscounts ? { productDiscounts: "on" } : {}),
        ...(draft.orderDiscounts ? { orderDiscounts: "on" } : {}),
        ...(draft.shippingDiscounts ? { shippingDiscounts: "on" } : {}),
      },
      { method: "post" },
    );
  return (
    <Page title="Tier perks">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <TierPerksCard
              state={page.state}
              title={page.discount?.title ?? null}
              syncedAt={page.syncedAt}
              timeZone={page.timeZone}
              draft={draft}
              onChange={setDraft}
              onSubmit={submit}
              submitting={fetcher.state !== "idle"}
              fieldErrors={result && !result.ok ? result.fieldErrors : {}}
              error={result && !result.ok ? result.error : null}
            />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <PerkPreviewCard
            config={page.config}
            discountClasses={page.discountClasses}
            currency={page.currency}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
