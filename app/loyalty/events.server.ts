import type { Prisma } from "~/db.server";

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
