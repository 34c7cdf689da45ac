import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import type { Member } from "~/generated/prisma/client";
import { releaseKey, reviewRejectedKey } from "../ledger-keys";
import { heldLots } from "../ledger-lots";
import { ledgerEvent, recordEvents } from "./events.server";
import { appendEntries, lockMember, toLedgerEntry, type NewLedgerEntry } from "./ledger.server";
import { memberProgram } from "./member-program.server";
import { refreshTier } from "./tiers.server";

// Orders held for review (ADR 0011): an order earning more than the program's
// `reviewAbovePoints` is credited pending with no release date (settle.ts), on every
// crediting path, and nothing releases it automatically. Staff release it (its lots
// become available now) or reject it (a correction empties each lot), once: a second
// decision on the same order finds nothing held and changes nothing.

export type ReviewDecision = "release" | "reject";

export interface HeldOrder {
  orderId: bigint;
  points: number;
  placedAt: Date;
}

export interface ReviewInput {
  shop: string;
  customerId: bigint;
  orderId: bigint;
  decision: ReviewDecision;
  staffId: string;
  now: Date;
}

export interface ReviewResult {
  /** False when the order had nothing held (decided before, or never held): nothing changed. */
  applied: boolean;
  member: Member | null;
}

/** The member's orders waiting for review, with the points each holds. */
export async function heldOrders(db: PrismaClient, shop: string, customerId: bigint): Promise<HeldOrder[]> {
  const rows = await db.ledgerEntry.findMany({
    where: { shop, customerId, orderId: { not: null } },
    orderBy: { id: "asc" },
  });
  const byOrder = new Map<bigint, typeof rows>();
  for (const row of rows) byOrder.set(row.orderId!, [...(byOrder.get(row.orderId!) ?? []), row]);
  return [...byOrder].flatMap(([orderId, entries]) => {
    const held = heldLots(entries.map(toLedgerEntry));
    if (held.length === 0) return [];
    const earn = entries.find((e) => e.kind === "earn") ?? entries[0]!;
    return [{ orderId, points: held.reduce((sum, l) => sum + l.points, 0), placedAt: earn.occurredAt }];
  });
}

/**
 * The shop's orders waiting for review, oldest first, at most `limit` members' worth, and
 * how many members hold one in all: candidates in SQL (pending lots with no release date
 * that nothing released), then each member's lots through `heldOrders`.
 */
export async function shopHeldOrders(
  db: PrismaClient,
  shop: string,
  limit = 10,
): Promise<{ members: number; orders: Array<HeldOrder & { customerId: bigint }> }> {
  const candidates = await db.$queryRaw<{ customerId: bigint }[]>`
    SELECT e."customerId" FROM "LedgerEntry" e
    WHERE e."shop" = ${shop} AND e."bucket" = 'pending' AND e."availableAt" IS NULL
      AND e."kind" IN ('earn', 'bonus') AND e."orderId" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "LedgerEntry" s
                      WHERE s."shop" = e."shop" AND s."customerId" = e."customerId" AND s."lotKey" = e."key"
                        AND s."kind" IN ('release', 'correction'))
    GROUP BY e."customerId" ORDER BY min(e."occurredAt")`;
  const orders: Array<HeldOrder & { customerId: bigint }> = [];
  let members = 0;
  for (const { customerId } of candidates) {
    const held = await heldOrders(db, shop, customerId);
    if (held.length === 0) continue;
    members += 1;
    if (members <= limit) orders.push(...held.map((h) => ({ ...h, customerId })));
  }
  return { members, orders };
}

export async function reviewHeldOrder(db: PrismaClient, input: ReviewInput): Promise<ReviewResult> {
  const { shop, customerId, orderId, now } = input;
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, shop, customerId);
    if (!member) return { applied: false, member: null };
    const rows = await tx.ledgerEntry.findMany({
      where: { shop, customerId, orderId },
      orderBy: { id: "asc" },
    });
    const held = heldLots(rows.map(toLedgerEntry));
    if (held.length === 0) return { applied: false, member };
    const version = new Map(rows.map((r) => [r.key, r.programVersion]));
    const reason = input.decision === "release" ? "Released after review" : "Rejected after review";
    const entries: NewLedgerEntry[] = held.map((lot) =>
      input.decision === "release"
        ? {
            key: releaseKey(lot.lotKey),
            kind: "release",
            points: lot.points,
            bucket: "available",
            occurredAt: now,
            lotKey: lot.lotKey,
            programVersion: version.get(lot.lotKey)!,
            orderId,
            staffId: input.staffId,
            reason,
          }
        : {
            key: reviewRejectedKey(lot.lotKey),
            kind: "correction",
            points: -lot.points,
            bucket: "pending",
            occurredAt: now,
            lotKey: lot.lotKey,
            programVersion: version.get(lot.lotKey)!,
            orderId,
            staffId: input.staffId,
            reason,
            details: { review: "rejected" },
          },
    );
    const result = await appendEntries(tx, member, entries);
    await recordEvents(
      tx,
      shop,
      result.inserted.map((e) =>
        ledgerEvent(customerId, input.decision === "release" ? "pointsReleased" : "pointsCorrected", e),
      ),
    );
    // A rejection takes points back: on a points basis the tier follows.
    const { program } = await memberProgram(tx, shop, customerId, now);
    const updated = await refreshTier(tx, result.member, program, now);
    return { applied: result.inserted.length > 0, member: updated };
  });
}

const INT64_MAX = 9_223_372_036_854_775_807n;
const isId = (v: string) => /^\d{1,19}$/.test(v) && BigInt(v) <= INT64_MAX;

const reviewForm = z.object({
  orderId: z.string().refine(isId, { error: "Choose a held order." }),
  decision: z.enum(["release", "reject"], { error: "Choose release or reject." }),
});

export type ReviewAnswer =
  { ok: true; applied: boolean } | { ok: false; fieldErrors: Record<string, string> };

/**
 * The member page's review form: 422 with field errors for a form that names no order or
 * decision, 404 when the customer is not a member, else the decision (applied false when
 * the order had nothing held, as on a double submit).
 */
export async function reviewFromForm(
  db: PrismaClient,
  input: { shop: string; customerId: string | undefined; form: FormData; staffId: string; now: Date },
): Promise<{ status: 200 | 404 | 422; answer: ReviewAnswer }> {
  if (!input.customerId || !isId(input.customerId))
    return { status: 404, answer: { ok: false, fieldErrors: { _form: "Member not found." } } };
  const parsed = reviewForm.safeParse(Object.fromEntries(input.form));
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(
      parsed.error.issues.map((i) => [String(i.path[0] ?? "_form"), i.message]),
    );
    return { status: 422, answer: { ok: false, fieldErrors } };
  }
  const result = await reviewHeldOrder(db, {
    shop: input.shop,
    customerId: BigInt(input.customerId),
    orderId: BigInt(parsed.data.orderId),
    decision: parsed.data.decision,
    staffId: input.staffId,
    now: input.now,
  });
  if (!result.member)
    return { status: 404, answer: { ok: false, fieldErrors: { _form: "Member not found." } } };
  return { status: 200, answer: { ok: true, applied: result.applied } };
}

/** The member page's list of held orders, as plain JSON; null when the id cannot be a customer's. */
export async function heldOrdersForPage(db: PrismaClient, shop: string, customerId: string | undefined) {
  if (!customerId || !isId(customerId)) return null;
  const member = await db.member.findUnique({
    where: { shop_customerId: { shop, customerId: BigInt(customerId) } },
    select: { customerId: true },
  });
  if (!member) return null;
  const held = await heldOrders(db, shop, member.customerId);
  return held.map((h) => ({
    orderId: h.orderId.toString(),
    points: h.points,
    placedAt: h.placedAt.toISOString(),
  }));
}
