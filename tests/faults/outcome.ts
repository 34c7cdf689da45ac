import type pg from "pg";
import { createPrisma } from "../../app/db.server";
import { verifyLedger } from "../../scripts/ledger-verify";
import type { Stack } from "./stack";
import { sleep } from "./stack";
import type { DeliveryLog } from "./workload";

// What a case ends with: every acknowledged delivery processed, the ledger and balances
// equal to the fault-free run of the same deliveries, and ledger:verify clean.

export type Row = {
  name: string;
  sent: number;
  acknowledged: number;
  processed: number;
  lost: number;
  doubled: number;
  /** Seconds from the end of the fault until everything acknowledged was processed; null: never. */
  recoveryS: number | null;
  verify: string;
  notes: string[];
  ok: boolean;
};

/** Per customer: available/pending/lifetime/redeemed points and tier; per normalized ledger entry: its count. */
export type Snapshot = { balances: Map<string, Balance>; ledger: Map<string, number> };
export type Balance = {
  available: number;
  pending: number;
  lifetime: number;
  redeemed: number;
  tier: string;
};

/** Counts of a case's burst rows in the inbox by status, retrying while PostgreSQL is down. */
export async function inboxCounts(stack: Stack, webhookIds: string[]) {
  const giveUp = Date.now() + 120_000;
  for (;;) {
    let db: pg.Client | undefined;
    try {
      db = await stack.db();
      const { rows } = await db.query<{ status: string; n: string }>(
        `SELECT "status"::text AS status, count(*) AS n FROM "WebhookEvent"
         WHERE "shop" = $1 AND "webhookId" = ANY($2) GROUP BY "status"`,
        [stack.shop, webhookIds],
      );
      const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { received: count("received"), processed: count("processed"), failed: count("failed") };
    } catch (error) {
      if (Date.now() > giveUp) throw error;
      await sleep(500);
    } finally {
      await db?.end().catch(() => undefined);
    }
  }
}

/**
 * Waits until every acknowledged delivery's row is processed (or failed), or the deadline.
 * Returns when that happened (epoch ms), or null.
 */
export async function waitProcessed(
  stack: Stack,
  logs: DeliveryLog[],
  deadline: number,
  sending: () => boolean,
): Promise<number | null> {
  for (;;) {
    const acked = logs.filter((l) => l.ackedAt !== null).map((l) => l.delivery.webhookId);
    const counts = await inboxCounts(stack, acked);
    if (!sending() && counts.processed + counts.failed >= acked.length) return Date.now();
    if (Date.now() > deadline) return null;
    await sleep(250);
  }
}

export async function snapshot(stack: Stack, options: { withRedemptions: boolean }): Promise<Snapshot> {
  const db = await stack.db();
  try {
    const members = await db.query<{
      customerId: string;
      availablePoints: number;
      pendingPoints: number;
      lifetimePoints: number;
      redeemedPoints: number;
      tierId: string | null;
    }>(
      `SELECT "customerId"::text AS "customerId", "availablePoints", "pendingPoints", "lifetimePoints",
              "redeemedPoints", "tierId" FROM "Member" WHERE "shop" = $1`,
      [stack.shop],
    );
    // Keys carry the shop's domain and redemption ids (random per run): normalize both.
    const ledger = await db.query<{ entry: string; n: string }>(
      `SELECT concat_ws('|', e."customerId", e."kind", e."bucket", e."points",
                replace(coalesce(replace(e."key", e."redemptionId"::text, r."clientKey"), e."key"), $1 || ':', '')) AS entry,
              count(*) AS n
       FROM "LedgerEntry" e LEFT JOIN "Redemption" r ON r."id" = e."redemptionId"
       WHERE e."shop" = $1 AND ($2 OR e."redemptionId" IS NULL)
       GROUP BY 1`,
      [stack.shop, options.withRedemptions],
    );
    return {
      balances: new Map(
        members.rows.map((m) => [
          m.customerId,
          {
            available: m.availablePoints,
            pending: m.pendingPoints,
            lifetime: m.lifetimePoints,
            redeemed: m.redeemedPoints,
            tier: m.tierId ?? "none",
          },
        ]),
      ),
      ledger: new Map(ledger.rows.map((r) => [r.entry, Number(r.n)])),
    };
  } finally {
    await db.end();
  }
}

/** Ledger entries the baseline has and the case lacks (lost) or the case has beyond the baseline (doubled). */
export function compareLedger(baseline: Snapshot, actual: Snapshot) {
  let missing = 0;
  let extra = 0;
  for (const [entry, n] of baseline.ledger) missing += Math.max(0, n - (actual.ledger.get(entry) ?? 0));
  for (const [entry, n] of actual.ledger) extra += Math.max(0, n - (baseline.ledger.get(entry) ?? 0));
  return { missing, extra };
}

/** Members whose balances differ from the baseline's (after `adjust`, e.g. the case's own redemptions). */
export function compareBalances(
  baseline: Snapshot,
  actual: Snapshot,
  adjust: (customerId: string, balance: Balance) => Balance = (_, b) => b,
): string[] {
  const differ: string[] = [];
  const ids = new Set([...baseline.balances.keys(), ...actual.balances.keys()]);
  for (const id of ids) {
    const want = baseline.balances.get(id);
    const got = actual.balances.get(id);
    const adjusted = got ? adjust(id, got) : undefined;
    if (JSON.stringify(want) !== JSON.stringify(adjusted))
      differ.push(`${id}: ${JSON.stringify(adjusted)} vs ${JSON.stringify(want)}`);
  }
  return differ;
}

/** ledger:verify (scripts/ledger-verify.ts) on the case's shop: members whose cached balances drift from their ledger. */
export async function ledgerVerify(stack: Stack): Promise<number> {
  const db = createPrisma(stack.databaseUrl, 2);
  try {
    const result = await verifyLedger(db, stack.shop, { fix: false });
    return new Set(result.drift.map((d) => d.customerId)).size;
  } finally {
    await db.$disconnect();
  }
}

/** Acknowledgement facts of a send: distinct deliveries acknowledged, the slowest 200, attempts that got no 200. */
export function acknowledgements(logs: DeliveryLog[]) {
  const attempts = logs.flatMap((l) => l.attempts);
  return {
    acknowledged: logs.filter((l) => l.ackedAt !== null).length,
    slowestAckMs: Math.max(0, ...attempts.filter((a) => a.status === 200).map((a) => a.ms)),
    refused: attempts.filter((a) => a.status !== 200).length,
    /** Statuses of the attempts that got no 200; 0 is no answer (refused, reset, timed out). */
    statuses: [...new Set(attempts.filter((a) => a.status !== 200).map((a) => a.status))].sort(),
    slowestMs: Math.max(0, ...attempts.map((a) => a.ms)),
  };
}
