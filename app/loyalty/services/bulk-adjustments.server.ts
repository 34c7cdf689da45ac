import type { PrismaClient } from "~/db.server";
import type { BulkAdjustment } from "~/generated/prisma/client";
import { eachLimited } from "~/jobs/each-limited";
import { AdjustmentRefused, adjustPoints } from "./adjustments.server";

// Bulk points adjustments: one staff decision ("+200 points, apology for the outage")
// applied to many members. The bulk's id is the form's idempotency key and part of every
// ledger entry's key (`shop:adjustment:<bulk id>:<customer id>`), so a double submit
// creates one bulk, and a retried or resumed run credits each member once. Checks that
// can fail for the whole selection run before anything is written.

export const BULK_MAX_MEMBERS = 100_000;
/** Selections up to this size are applied in the request; larger ones in a worker. */
export const BULK_INLINE_LIMIT = 100;
const CHUNK = 200;
const PARALLEL = 4;

export interface BulkAdjustmentInput {
  id: string;
  shop: string;
  staffId: string;
  points: number;
  reason: string;
  customerIds: bigint[];
  /** The list filter the selection came from, kept for the audit. */
  filter: unknown;
}

export type BulkCreateResult =
  { ok: true; created: boolean; bulk: BulkAdjustment } | { ok: false; fieldErrors: Record<string, string> };

/** Validates and records a bulk; nothing is written when a check fails. */
export async function createBulkAdjustment(
  db: PrismaClient,
  input: BulkAdjustmentInput,
): Promise<BulkCreateResult> {
  const existing = await db.bulkAdjustment.findUnique({ where: { id: input.id } });
  if (existing) {
    return existing.shop === input.shop
      ? { ok: true, created: false, bulk: existing }
      : { ok: false, fieldErrors: { _form: "The form is out of date; reload the page." } };
  }
  const ids = [...new Set(input.customerIds)];
  if (ids.length === 0) return { ok: false, fieldErrors: { _form: "Select at least one member." } };
  if (ids.length > BULK_MAX_MEMBERS) {
    return {
      ok: false,
      fieldErrors: {
        _form: `At most ${BULK_MAX_MEMBERS.toLocaleString("en-US")} members at a time; narrow the filter.`,
      },
    };
  }
  if (input.points < 0) {
    const short = await db.member.count({
      where: { shop: input.shop, customerId: { in: ids }, availablePoints: { lt: -input.points } },
    });
    if (short > 0) {
      const removing = (-input.points).toLocaleString("en-US");
      return {
        ok: false,
        fieldErrors: {
          points: `${short.toLocaleString("en-US")} of the ${ids.length.toLocaleString("en-US")} selected members have fewer than ${removing} points available; removing ${removing} would take their balance below zero. Nothing was changed. Narrow the selection (for example, filter on points of at least ${removing}) or remove fewer points.`,
        },
      };
    }
  }
  const created = await db.bulkAdjustment
    .create({
      data: {
        id: input.id,
        shop: input.shop,
        staffId: input.staffId,
        points: input.points,
        reason: input.reason,
        customerIds: ids,
        filter: input.filter === undefined ? undefined : (input.filter as object),
        total: ids.length,
      },
    })
    .catch(async (error: unknown) => {
      // Two submits of one form raced past the look-up above: the first one's bulk stands.
      if ((error as { code?: string }).code !== "P2002") throw error;
      return null;
    });
  if (created) return { ok: true, created: true, bulk: created };
  const winner = await db.bulkAdjustment.findUniqueOrThrow({ where: { id: input.id } });
  return { ok: true, created: false, bulk: winner };
}

/**
 * Applies a recorded bulk, resuming where a previous run stopped. A member whose balance
 * fell below what a removal takes since the bulk was checked, or who is no longer a
 * member, is skipped and counted; the rest get one ledger entry each.
 */
export async function runBulkAdjustment(
  db: PrismaClient,
  id: string,
  now = new Date(),
): Promise<BulkAdjustment> {
  let bulk = await db.bulkAdjustment.findUniqueOrThrow({ where: { id } });
  if (bulk.status === "done") return bulk;
  bulk = await db.bulkAdjustment.update({ where: { id }, data: { status: "running", error: null } });
  let { processed, applied, skipped } = bulk;
  try {
    for (let at = processed; at < bulk.customerIds.length; at += CHUNK) {
      // Members are independent (each entry locks only its member): a few at once.
      const current = bulk;
      await eachLimited(current.customerIds.slice(at, at + CHUNK), PARALLEL, async (customerId) => {
        const outcome = await applyOne(db, current, customerId, now);
        if (outcome === "skipped") skipped += 1;
        else applied += 1;
      });
      processed = Math.min(bulk.customerIds.length, at + CHUNK);
      bulk = await db.bulkAdjustment.update({ where: { id }, data: { processed, applied, skipped } });
    }
    return await db.bulkAdjustment.update({
      where: { id },
      data: { status: "done", finishedAt: new Date() },
    });
  } catch (error) {
    await db.bulkAdjustment.update({
      where: { id },
      data: { status: "failed", error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
}

async function applyOne(db: PrismaClient, bulk: BulkAdjustment, customerId: bigint, now: Date) {
  try {
    // An entry this bulk wrote before (a resumed run) counts as applied: the key is the same.
    await adjustPoints(db, {
      shop: bulk.shop,
      customerId,
      points: bulk.points,
      reason: bulk.reason,
      staffId: bulk.staffId,
      adjustmentId: `${bulk.id}:${customerId}`,
      now,
    });
    return "applied" as const;
  } catch (error) {
    if (error instanceof AdjustmentRefused) return "skipped" as const;
    throw error;
  }
}

/** The shop's recent bulks, newest first, for the progress card. */
export function recentBulkAdjustments(db: PrismaClient, shop: string, take = 5) {
  return db.bulkAdjustment.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    take,
    omit: { customerIds: true, filter: true },
  });
}
