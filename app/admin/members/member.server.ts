import type { PrismaClient } from "~/db.server";
import type { Program } from "~/loyalty/program";
import { memberProgram } from "~/loyalty/services/member-program.server";
import { refreshOrderStats } from "~/stats/order-stats.server";
import { staffNames } from "~/shopify/staff.server";
import { correctionNote, migrationNote } from "./present";

// One member as the detail page shows them: balances and tier from the member row (the
// cache of the ledger), a page of ledger history with the orders it refers to, and the
// member's redemptions, all under the member's own program (their experiment variants
// included). Everything is scoped by shop; another shop's customer is null.

export const LEDGER_PAGE_SIZE = 20;

export interface LedgerLine {
  id: string;
  kind: string;
  points: number;
  bucket: "available" | "pending";
  occurredAt: string;
  availableAt: string | null;
  programVersion: number;
  orderName: string | null;
  /** The order's Shopify id, for the link to it in Shopify admin. */
  orderId: string | null;
  reason: string | null;
  staffId: string | null;
  /** The staff member's name when the app has seen them in the admin. */
  staffName: string | null;
  writtenOff: number | null;
  /** Why a correction was written (a late order changed this order's tier, or moved the first-order bonus). */
  note: string | null;
}

export interface RedemptionLine {
  id: string;
  rewardName: string;
  pointsCost: number;
  status: string;
  code: string | null;
  createdAt: string;
  expiresAt: string | null;
  usedAt: string | null;
}

export async function loadMemberDetail(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  options: { ledgerPage: number; now?: Date },
) {
  const where = { shop, customerId };
  const member = await db.member.findUnique({ where: { shop_customerId: where } });
  if (!member) return null;
  const page = Math.max(1, Math.trunc(options.ledgerPage) || 1);
  await refreshOrderStats(db, shop);
  const [customer, { program, version, variants }, entryCount, entries, redemptions, stats] =
    await Promise.all([
      db.customer.findUnique({ where: { shop_id: { shop, id: customerId } } }),
      memberProgram(db, shop, customerId, options.now ?? new Date()),
      db.ledgerEntry.count({ where }),
      db.ledgerEntry.findMany({
        where,
        orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
        skip: (page - 1) * LEDGER_PAGE_SIZE,
        take: LEDGER_PAGE_SIZE,
      }),
      db.redemption.findMany({ where, orderBy: { createdAt: "desc" }, take: 50 }),
      db.customerOrderStats.findUnique({ where: { shop_customerId: where } }),
    ]);
  const names = await staffNames(
    db,
    shop,
    entries.map((e) => e.staffId),
  );
  const orderIds = [...new Set(entries.flatMap((e) => (e.orderId ? [e.orderId] : [])))];
  const orders = orderIds.length
    ? await db.order.findMany({ where: { shop, id: { in: orderIds } }, select: { id: true, name: true } })
    : [];
  const orderNames = new Map(orders.map((o) => [o.id, o.name]));

  return {
    programVersion: version,
    program: program satisfies Program,
    /** The experiment variants shaping this member's program (empty: the live program as is). */
    experimentVariants: variants,
    member: {
      customerId: customerId.toString(),
      name: [customer?.firstName, customer?.lastName].filter(Boolean).join(" ") || null,
      email: customer?.email ?? null,
      status: member.status,
      statusReason: member.statusReason,
      availablePoints: member.availablePoints,
      pendingPoints: member.pendingPoints,
      lifetimePoints: member.lifetimePoints,
      redeemedPoints: member.redeemedPoints,
      expiredPoints: member.expiredPoints,
      tierId: member.tierId,
      tierValue: Number(member.tierValue),
      tierBelowSince: member.tierBelowSince?.toISOString() ?? null,
      // Brought from another loyalty app (app/migration).
      migratedTierId: member.migratedTierId,
      migratedTierUntil: member.migratedTierUntil?.toISOString() ?? null,
      migratedLifetimePoints: member.migratedLifetimePoints,
      referralCode: member.referralCode,
      nextTierId: member.nextTierId,
      tierRemaining: Number(member.tierRemaining),
      tierEvaluatedAt: member.tierEvaluatedAt?.toISOString() ?? null,
      currency: program.currency,
      ordersCount: stats?.ordersCount ?? 0,
      spentMinor: Number(stats?.spentMinor ?? 0),
      averageOrderMinor: Number(stats?.averageOrderMinor ?? 0),
      lastOrderAt: stats?.lastOrderAt?.toISOString() ?? null,
      lastOrderId: stats?.lastOrderId?.toString() ?? null,
      lastOrderName: stats?.lastOrderName ?? null,
      joinedAt: (member.enrolledAt ?? member.createdAt).toISOString(),
      lastActivityAt: member.lastActivityAt?.toISOString() ?? null,
    },
    ledger: {
      page,
      pageCount: Math.max(1, Math.ceil(entryCount / LEDGER_PAGE_SIZE)),
      total: entryCount,
      entries: entries.map((e): LedgerLine => ({
        id: e.id.toString(),
        kind: e.kind,
        points: e.points,
        bucket: e.bucket,
        occurredAt: e.occurredAt.toISOString(),
        availableAt: e.availableAt?.toISOString() ?? null,
        programVersion: e.programVersion,
        orderName: e.orderId ? (orderNames.get(e.orderId) ?? `Order ${e.orderId}`) : null,
        orderId: e.orderId?.toString() ?? null,
        reason: e.reason,
        staffId: e.staffId,
        staffName: e.staffId ? (names[e.staffId] ?? null) : null,
        writtenOff: e.writtenOff,
        note:
          e.kind === "correction"
            ? correctionNote(e.details, program.tiers.levels)
            : e.kind === "migration"
              ? migrationNote(e.details)
              : null,
      })),
    },
    redemptions: redemptions.map((r): RedemptionLine => ({
      id: r.id,
      rewardName: rewardName(r.reward, r.rewardId),
      pointsCost: r.pointsCost,
      status: r.status,
      code: r.code,
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt?.toISOString() ?? null,
      usedAt: r.usedAt?.toISOString() ?? null,
    })),
  };
}

export type MemberDetail = NonNullable<Awaited<ReturnType<typeof loadMemberDetail>>>;

function rewardName(snapshot: unknown, fallback: string): string {
  const name = (snapshot as { name?: unknown } | null)?.name;
  return typeof name === "string" && name ? name : fallback;
}
