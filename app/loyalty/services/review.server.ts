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
