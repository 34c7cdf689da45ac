import { createHash } from "node:crypto";
import { historicalRedemption } from "~/loyalty/history-redemptions";
import type { Reward } from "~/loyalty/program-rewards";
import type { ReplayEntry } from "~/loyalty/replay";
import type { SqlTx } from "./sql.server";

// Past redemptions during the credit phase: which orders carried a reward code (the pure
// rule is app/loyalty/history-redemptions.ts), and the Redemption rows for the `redeem`
// entries the replay wrote for them, in the batch's transaction. A Redemption's id comes
// from its ledger key, so a batch credited again writes neither twice.

export interface OrderCodes {
  discountCodes: string[];
  totalDiscountsMinor: number;
  subtotalMinor: number;
}

/** The app's redemption id for a past redemption: a UUID from its ledger key (the same on every run). */
export function historyRedemptionId(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const isHistoryRedemption = (e: ReplayEntry) => e.kind === "redeem" && e.details?.cause === "history";

/** Codes the members already hold as Redemptions (the live path issued them): not past redemptions to import. */
export async function redeemedCodes(tx: SqlTx, shop: string, customerIds: string[]): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const rows = await tx.rows<{ code: string }>(
    `SELECT upper("code") AS "code" FROM "Redemption"
       WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[]) AND "code" IS NOT NULL`,
    [shop, customerIds],
  );
  return new Set(rows.map((r) => r.code));
}

/** Each order's past redemption under the rule; `unmatched` counts reward codes no reward fits. */
export function matchRedemptions(
  order: OrderCodes,
  rewards: readonly Reward[],
  prefixes: readonly string[],
  known: ReadonlySet<string>,
  counts: { unmatched: number },
): { code: string; reward: Reward } | null {
  const found = historicalRedemption(order, rewards, prefixes);
  if (!found || known.has(found.code)) return null;
  if (found.reward === null) {
    counts.unmatched += 1;
    return null;
  }
  return { code: found.code, reward: found.reward };
}

/**
 * The Redemption rows of the batch's past redemptions: used by their order, created and
 * used when it was placed, so the dashboard counts them on their day. ON CONFLICT: a
 * batch credited again, or a code the app issued itself, keeps the row it has.
 */
export async function insertHistoryRedemptions(
  tx: SqlTx,
  shop: string,
  rows: { customerId: bigint; entry: ReplayEntry }[],
): Promise<number> {
  const redemptions = rows
    .filter((r) => isHistoryRedemption(r.entry))
    .map(({ customerId, entry }) => {
      const d = entry.details as Record<string, unknown>;
      const reward = d.reward as Record<string, unknown>;
      return {
        id: historyRedemptionId(entry.key),
        customerId: customerId.toString(),
        rewardId: d.rewardId,
        reward: { id: d.rewardId, ...reward, pointsCost: d.pointsCost },
        pointsCost: -entry.points,
        programVersion: entry.programVersion,
        experimentVariants: entry.experimentVariants?.length ? entry.experimentVariants : null,
        code: d.code,
        at: entry.occurredAt.toISOString(),
        usedOrderId: d.usedOrderId,
      };
    });
  if (redemptions.length === 0) return 0;
  return tx.exec(
    `INSERT INTO "Redemption" ("id", "shop", "customerId", "rewardId", "reward", "pointsCost", "programVersion",
       "experimentVariants", "status", "code", "usedAt", "usedOrderId", "createdAt", "updatedAt")
     SELECT t."id", $1, t."customerId", t."rewardId", t."reward", t."pointsCost", t."programVersion",
       CASE WHEN t."experimentVariants" IS NOT NULL
         THEN ARRAY(SELECT json_array_elements_text(t."experimentVariants")) END, 'used', t."code",
       t."at" AT TIME ZONE 'UTC', t."usedOrderId", t."at" AT TIME ZONE 'UTC', t."at" AT TIME ZONE 'UTC'
     FROM json_to_recordset($2::json) AS t("id" uuid, "customerId" bigint, "rewardId" text, "reward" jsonb,
       "pointsCost" int, "programVersion" int, "experimentVariants" json, "code" text, "at" timestamptz,
       "usedOrderId" bigint)
     ON CONFLICT DO NOTHING`,
    [shop, JSON.stringify(redemptions)],
  );
}
