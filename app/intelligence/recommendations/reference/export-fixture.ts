// Writes fixture.json, the input of compute.py: a small simulator shop (seed 5, 400
// customers, 40 products) as the recommender sees it: products in ascending id order with
// their text, every purchase (customer, product, day) and the holdout cutoff.
// Run: sh scripts/node.sh --import tsx app/intelligence/recommendations/reference/export-fixture.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateShop } from "../../../../simulator/index";
import { holdoutCutoff } from "../evaluate";
import { simulatorCatalog, simulatorPurchases } from "../simulator-testing";

const shop = generateShop({ seed: 5, customers: 400, products: 40 });
const { ids, texts } = simulatorCatalog(shop);
const purchases = simulatorPurchases(shop).map((p) => ({ ...p, day: Math.round(p.day * 1e6) / 1e6 }));
const cutoff = holdoutCutoff(purchases.map((p) => p.day));
writeFileSync(
  fileURLToPath(new URL("./fixture.json", import.meta.url)),
  JSON.stringify({ products: ids.map((id, i) => ({ id, ...texts[i] })), purchases, cutoff }),
);
console.log(`${ids.length} products, ${purchases.length} purchases, cutoff day ${cutoff}`);
