import { runGraphql, ShopifyUserError, type AdminGraphql } from "./graphql.server";

// The storefront widget's appearance on the shop: one app-owned JSON metafield
// (`$app.widget`, declared in shopify.app.toml) that the theme app extension's Liquid reads
// as `shop.metafields['$app'].widget.value`. Only this app can write an `$app` metafield,
// so nothing else decides what the storefront renders from it. The value's shape is the
// storefront room's (app/storefront/widget-appearance.ts); here it is a JSON string.

export const WIDGET_METAFIELD = { namespace: "$app", key: "widget" } as const;

const READ = `#graphql
  query LoyaltyWidgetMetafield($namespace: String!, $key: String!) {
    shop {
      id
      metafield(namespace: $namespace, key: $key) { value }
    }
  }`;

const SET = `#graphql
  mutation LoyaltyWidgetMetafieldSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key }
      userErrors { field message code }
    }
  }`;

type ReadData = { shop: { id: string; metafield: { value: string } | null } };
type SetData = {
  metafieldsSet: { userErrors: Array<{ field: string[] | null; message: string }> } | null;
};

/** The stored JSON, or null when the app has not written it yet. */
export async function readWidgetMetafield(graphql: AdminGraphql): Promise<string | null> {
  const data = await runGraphql<ReadData>(graphql, "LoyaltyWidgetMetafield", READ, { ...WIDGET_METAFIELD });
  return data.shop.metafield?.value ?? null;
}

/** Writes the JSON; Shopify's userErrors become a thrown ShopifyUserError. */
export async function writeWidgetMetafield(graphql: AdminGraphql, value: string): Promise<void> {
  const { shop } = await runGraphql<ReadData>(graphql, "LoyaltyWidgetMetafield", READ, {
    ...WIDGET_METAFIELD,
  });
  const data = await runGraphql<SetData>(graphql, "LoyaltyWidgetMetafieldSet", SET, {
    metafields: [{ ownerId: shop.id, ...WIDGET_METAFIELD, type: "json", value }],
  });
  const errors = data.metafieldsSet?.userErrors ?? [];
  if (errors.length) throw new ShopifyUserError("metafieldsSet", errors);
}
