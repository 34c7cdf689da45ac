import type { Session } from "@shopify/shopify-api";
import type { PrismaClient } from "../db.server";
import { logger } from "../logger.server";
import { runGraphql, type AdminGraphql } from "./graphql.server";

const SHOP_QUERY = `#graphql
  query ShopForInstall {
    shop {
      name
      email
      currencyCode
      ianaTimezone
      plan { displayName }
    }
  }
`;

type ShopForInstall = {
  shop: {
    name: string;
    email: string;
    currencyCode: string;
    ianaTimezone: string;
    plan: { displayName: string };
  };
};

// Called after every successful authentication: (re)marks the shop installed and keeps
// its currency, plan and time zone current. `afterInstall` is what the app does next (the
// first backfill); it is passed in so this Shopify room imports no domain.
export async function recordInstall(
  db: PrismaClient,
  session: Session,
  graphql: AdminGraphql,
  afterInstall: (shop: string) => Promise<void>,
) {
  const { shop } = await runGraphql<ShopForInstall>(graphql, "ShopForInstall", SHOP_QUERY);
  const fields = {
    status: "installed" as const,
    name: shop.name,
    email: shop.email,
    currencyCode: shop.currencyCode,
    ianaTimezone: shop.ianaTimezone,
    planName: shop.plan.displayName,
    scopes: session.scope ?? null,
    uninstalledAt: null,
  };
  await db.shop.upsert({
    where: { domain: session.shop },
    create: { domain: session.shop, ...fields },
    update: fields,
  });
  // The first install imports the shop's history; a failure here must not fail sign-in
  // (the dashboard's import card can start it).
  try {
    await afterInstall(session.shop);
  } catch (error) {
    logger().warn({ err: error, shop: session.shop }, "Could not start the install backfill");
  }
}
