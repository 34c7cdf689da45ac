import type { PrismaClient } from "~/db.server";
import type { Program } from "~/loyalty/program";

/**
 * Names for the product ids the program refers to (free-product rewards, product
 * multipliers and exclusions), from the mirrored products, keyed by gid and numeric id.
 */
export async function productTitles(
  db: PrismaClient,
  shop: string,
  program: Program,
): Promise<Record<string, string>> {
  const numeric = (id: string) => /(\d+)$/.exec(id)?.[1] ?? null;
  const ids = new Set<string>();
  for (const r of program.rewards) if (r.value.kind === "freeProduct") ids.add(r.value.productId);
  for (const m of program.earning.multipliers) if (m.target === "product") ids.add(m.value);
  for (const p of program.earning.exclusions.productIds) ids.add(p);
  const wanted = [...ids].map(numeric).filter((n): n is string => n !== null);
  if (!wanted.length) return {};
  const products = await db.product.findMany({
    where: { shop, id: { in: wanted.map(BigInt) } },
    select: { id: true, title: true },
  });
  const titles: Record<string, string> = {};
  for (const p of products) {
    titles[p.id.toString()] = p.title;
    titles[`gid://shopify/Product/${p.id}`] = p.title;
  }
  return titles;
}
