import type { Prisma } from "~/db.server";
import type { NewLedgerEntry } from "./ledger.server";

// Domain events for campaigns and analytics. Like ledger entries, each carries a key
// derived from its cause, so a replayed job records it once.

export interface NewLoyaltyEvent {
  customerId: bigint | null;
  type: "pointsEarned" | "pointsReversed" | "tierChanged" | "memberEnrolled" | (string & {});
  key: string;
  payload: Prisma.InputJsonObject;
  occurredAt: Date;
}

export async function recordEvents(
  tx: Prisma.TransactionClient,
  shop: string,
  events: readonly NewLoyaltyEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await tx.loyaltyEvent.createMany({
    data: events.map((e) => ({ shop, ...e })),
    skipDuplicates: true,
  });
}

/** The event a ledger entry of an order emits (points earned or reversed), keyed like the entry. */
export function ledgerEvent(
  customerId: bigint,
  type: NewLoyaltyEvent["type"],
  e: Pick<
    NewLedgerEntry,
    | "key"
    | "kind"
    | "points"
    | "bucket"
    | "writtenOff"
    | "orderId"
    | "lotKey"
    | "programVersion"
    | "occurredAt"
  >,
): NewLoyaltyEvent & { customerId: bigint } {
  return {
    customerId,
    type,
    key: e.key,
    payload: {
      kind: e.kind,
      points: e.points,
      bucket: e.bucket,
      writtenOff: e.writtenOff ?? 0,
      orderId: e.orderId?.toString() ?? null,
      lotKey: e.lotKey ?? null,
      programVersion: e.programVersion,
    },
    occurredAt: e.occurredAt,
  };
}
