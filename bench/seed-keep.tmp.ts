import { writeScoringShop } from "./support/scoring-shop";
import { ensureDatabase, migrate } from "../app/db/migrator.server";
const url = "postgresql://postgres@127.0.0.1:5432/loyalty_scoring_keep";
await ensureDatabase(url);
await migrate(url);
console.log(await writeScoringShop(url, "p.myshopify.com", { customers: 100000, orders: 1000000 }));
