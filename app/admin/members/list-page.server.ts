import { randomUUID } from "node:crypto";
import type { PrismaClient } from "~/db.server";
import type { BulkAdjustment } from "~/generated/prisma/client";
import { enqueueBulkAdjustment } from "~/jobs/producers.server";
import { logger } from "~/logger.server";
import {
  BULK_INLINE_LIMIT,
  createBulkAdjustment,
  recentBulkAdjustments,
  runBulkAdjustment,
} from "~/loyalty/services/bulk-adjustments.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { refreshOrderStats } from "~/stats/order-stats.server";
import { staffNames } from "~/shopify/staff.server";
import { staffLabel } from "~/admin/components/staff";
import { parseBulkForm } from "./bulk-form";
import { parseListParams, type MemberFilter } from "./list-params";
import { MEMBER_FROM, memberWhere } from "./member-filter.server";
import type { ExportContext } from "./member-export.server";
import { listMembers } from "./members.server";

// The members page: the list with its filters, the recent bulk adjustments with their
// progress, and the bulk adjustment action.

/** What reading the list needs besides the URL: the shop's currency, time zone and tiers. */
export async function memberListContext(
  db: PrismaClient,
  shop: string,
  now = new Date(),
): Promise<ExportContext> {
  const [{ program }, shopRow] = await Promise.all([
    currentProgramVersion(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
  ]);
  return {
    currency: program.currency,
    tierBasis: program.tiers.basis,
    tiers: { basis: program.tiers.basis, levels: program.tiers.levels },
    timeZone: shopRow?.ianaTimezone ?? null,
    now,
  };
}

export async function loadMembersPage(db: PrismaClient, shop: string, search: URLSearchParams) {
  const params = parseListParams(search);
  const context = await memberListContext(db, shop);
  const [page, anyMember, bulks] = await Promise.all([
    listMembers(db, shop, params, context),
    db.member.findFirst({ where: { shop }, select: { customerId: true } }),
    recentBulkAdjustments(db, shop),
  ]);
  const names = await staffNames(
    db,
    shop,
    bulks.map((b) => b.staffId),
  );
  return {
    page,
    params,
    hasMembers: anyMember !== null,
    tiers: context.tiers.levels.map((l) => ({ id: l.id, name: l.name, threshold: l.threshold })),
    tierBasis: context.tierBasis,
    currency: context.currency,
    timeZone: context.timeZone,
    shop,
    // A fresh id per rendered page: the next bulk adjustment's idempotency key.
    bulkId: randomUUID(),
    bulks: bulks.map((b) => bulkView(b, names)),
  };
}

type BulkRow = Pick<
  BulkAdjustment,
  | "id"
  | "status"
  | "points"
  | "reason"
  | "total"
  | "processed"
  | "applied"
  | "skipped"
  | "staffId"
  | "createdAt"
>;

export function bulkView(b: BulkRow, names: Record<string, string>) {
  return {
    id: b.id,
    status: b.status,
    points: b.points,
    reason: b.reason,
    total: b.total,
    processed: b.processed,
    applied: b.applied,
    skipped: b.skipped,
    staff: staffLabel(b.staffId, names),
    createdAt: b.createdAt.toISOString(),
    // The raw error stays in the database; staff get what it means for them.
    error: b.status === "failed" ? "The run stopped on an error; the worker retries it." : null,
  };
}
export type BulkView = ReturnType<typeof bulkView>;

export type BulkAnswer =
  | { ok: true; created: boolean; bulk: BulkView }
  | { ok: false; status: 400 | 422 | 503; fieldErrors: Record<string, string> };

/** The selected members of the shop: ticked ids (members only) or every member the filter matches. */
async function selectedIds(
  db: PrismaClient,
  shop: string,
  selection: { kind: "ids"; ids: bigint[] } | { kind: "filter"; filter: MemberFilter },
  context: ExportContext,
): Promise<bigint[]> {
  if (selection.kind === "ids") {
    const rows = await db.member.findMany({
      where: { shop, customerId: { in: selection.ids } },
      select: { customerId: true },
    });
    return rows.map((r) => r.customerId);
  }
  await refreshOrderStats(db, shop);
  const rows = await db.$queryRaw<{ customerId: bigint }[]>`
    SELECT m."customerId" FROM ${MEMBER_FROM} WHERE ${memberWhere(shop, selection.filter, context)}
    ORDER BY m."customerId"`;
  return rows.map((r) => r.customerId);
}

export async function bulkAdjustAction(
  db: PrismaClient,
  shop: string,
  staffId: string,
  form: FormData,
): Promise<BulkAnswer> {
  const parsed = parseBulkForm(form);
  if (!parsed.ok) return { ok: false, status: 422, fieldErrors: parsed.fieldErrors };
  const { points, reason, bulkId, selection, customerIds, filter } = parsed.value;
  const context = await memberListContext(db, shop);
  const listFilter = parseListParams(new URLSearchParams(filter));
  const ids = await selectedIds(
    db,
    shop,
    selection === "ids"
      ? { kind: "ids", ids: customerIds.map(BigInt) }
      : { kind: "filter", filter: listFilter },
    context,
  );
  const result = await createBulkAdjustment(db, {
    id: bulkId,
    shop,
    staffId,
    points,
    reason,
    customerIds: ids,
    filter: selection === "filter" ? { query: filter } : null,
  });
  if (!result.ok) return { ok: false, status: 422, fieldErrors: result.fieldErrors };
  let bulk = result.bulk;
  if (bulk.status !== "done") {
    if (bulk.total <= BULK_INLINE_LIMIT) bulk = await runBulkAdjustment(db, bulk.id);
    else {
      try {
        await enqueueBulkAdjustment(bulk.id);
      } catch (error) {
        logger().warn({ shop, bulkId: bulk.id, err: String(error) }, "bulk adjustment not queued");
        return {
          ok: false,
          status: 503,
          fieldErrors: {
            _form:
              "The adjustment is recorded but could not be started. Submit again in a moment; it will apply once.",
          },
        };
      }
    }
  }
  const names = await staffNames(db, shop, [bulk.staffId]);
  return { ok: true, created: result.created, bulk: bulkView(bulk, names) };
}
