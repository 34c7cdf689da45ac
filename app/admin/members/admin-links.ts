// Links from the embedded app to Shopify admin. App Bridge's Navigation API documents the
// `shopify://admin/<resource>/<id>` scheme for anchors with target="_top": the admin opens
// the page in its own frame, whatever the shop's admin domain is.

export type AdminResource = "customers" | "orders";

export function shopifyAdminUrl(resource: AdminResource, id: string): string {
  if (!/^\d{1,19}$/.test(id)) throw new Error(`not a Shopify id: ${id}`);
  return `shopify://admin/${resource}/${id}`;
}
