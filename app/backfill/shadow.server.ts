import { insertShadowPg, loadShadowPg, shadowDecision } from "~/experiments/shadow.server";
import type { ReplayResult } from "~/loyalty/replay";
import type { SettleEntry } from "~/loyalty/settle";
import type { ProgramTimeline } from "~/loyalty/services/member-program.server";
import type { SqlTx } from "./sql.server";

// The holdout's shadow ledger for replayed history: an order a held-out member placed
// while the holdout ran earns them nothing (settle.ts), and the shadow records what it
// would have, as the live paths do (experiments/shadow.server.ts), under the holdout that
// was in force when it was placed. Idempotent: shadow keys are the ledger keys, inserted
// ON CONFLICT DO NOTHING, and each decision sees the member's shadow entries so far.

/** Writes the shadow entries of a batch's held-out orders; returns how many were decided. */
export async function writeShadow(
  tx: SqlTx,
  shop: string,
  timeline: ProgramTimeline,
  heldOut: ReadonlyMap<bigint, ReplayResult["heldOut"]>,
  now: Date,
): Promise<number> {
  const customers = [...heldOut].filter(([, orders]) => orders.length > 0);
  if (!customers.length) return 0;
  const existing = await loadShadowPg(
    async (sql, params) => ({ rows: await tx.rows(sql, params) }),
    shop,
    customers.map(([id]) => id),
  );
  const byHoldout = new Map<string, (SettleEntry & { customerId: bigint })[]>();
  let decided = 0;
  for (const [customerId, orders] of customers) {
    const entries = [...(existing.get(customerId) ?? [])];
    for (const { order, mp, history } of orders) {
      const holdoutId = timeline.holdoutAt(order.placedAt);
      if (!holdoutId) continue;
      const rows = byHoldout.get(holdoutId) ?? [];
      byHoldout.set(holdoutId, rows);
      for (const entry of shadowDecision(shop, customerId, mp, order, history, entries, now)) {
        entries.push(entry);
        rows.push({ ...entry, customerId });
        decided += 1;
      }
    }
  }
  for (const [holdoutId, rows] of byHoldout)
    await insertShadowPg((sql, params) => tx.exec(sql, params), shop, holdoutId, rows);
  return decided;
}
