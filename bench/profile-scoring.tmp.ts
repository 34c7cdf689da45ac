import { createPrisma } from "../app/db.server";
import { writeScoringShop } from "./support/scoring-shop";
import { scratchDatabase } from "./support/services";
import { loadAggregates } from "../app/intelligence/segments/compute.server";
import { memberFeatures } from "../app/intelligence/segments/features";
import { summariseSegments } from "../app/intelligence/segments/summary";
import { memberSummaries } from "../app/intelligence/clv/summaries.server";
import { loadChurnInputs } from "../app/intelligence/churn/inputs.server";
import { runChurn } from "../app/intelligence/churn/pipeline";

const n = Number(process.argv[2] ?? 10000);
const shop = "p.myshopify.com";
const database = await scratchDatabase("prof");
const db = createPrisma(database.url);
const t = async <T>(label: string, f: () => Promise<T> | T): Promise<T> => {
  const s = performance.now();
  const r = await f();
  console.log(label, ((performance.now() - s) / 1000).toFixed(2), "s");
  return r;
};
try {
  const data = await t("seed", () => writeScoringShop(database.url, shop, { customers: n, orders: n * 10 }));
  const asOf = data.end;
  const aggs = await t("segments: loadAggregates", () => loadAggregates(db, shop, asOf));
  const feats = aggs.map((a) => memberFeatures(a, asOf.getTime()));
  await t("segments: summarise", () => summariseSegments(feats, "USD", null));
  await t("clv: summaries", () => memberSummaries(db, { shop, currencyCode: "USD", timeZone: "UTC", cutoff: asOf, end: asOf }));
  const inputs = await t("churn: load", () => loadChurnInputs(db, shop, "USD", asOf, 100, { lookbackDays: 450, expiry: { policy: "none" } }));
  await t("churn: runChurn", () => runChurn(inputs.customers, asOf.getTime() / 86400000, 90));
} finally {
  await db.$disconnect();
  await database.stop();
}
