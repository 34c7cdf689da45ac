import type { Prisma } from "~/db.server";
import type { ShopSending } from "./campaigns.server";

// The caps every channel honours, counted under the member's lock (memberLock) so two
// attempts cannot both pass them: the campaign's frequency cap and the shop's cap on
// marketing messages per member across campaigns and channels (sends in flight count as sent).

type SendRow = { id: string; shop: string; customerId: bigint; transactional: boolean };
export type CampaignCaps = { id: string; frequencyCapCount: number | null; frequencyCapHours: number | null };

/** Takes the per-member advisory lock for the rest of the transaction. */
export async function memberLock(tx: Prisma.TransactionClient, shop: string, customerId: bigint) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`campaign-send:${shop}:${customerId}`}, 0))`;
}

/** The reason a cap stops this send, or null. Call under memberLock. */
export async function capReason(
  tx: Prisma.TransactionClient,
  send: SendRow,
  campaign: CampaignCaps,
  sending: Pick<ShopSending, "memberCapCount" | "memberCapDays">,
  now: Date,
): Promise<string | null> {
  const recent = (since: Date) => ({
    shop: send.shop,
    customerId: send.customerId,
    id: { not: send.id },
    OR: [
      { status: "sent" as const, sentAt: { gte: since } },
      { status: "queued" as const, sendingSince: { not: null } },
    ],
  });
  if (campaign.frequencyCapCount && campaign.frequencyCapHours) {
    const since = new Date(now.getTime() - campaign.frequencyCapHours * 3_600_000);
    const count = await tx.campaignSend.count({ where: { ...recent(since), campaignId: campaign.id } });
    if (count >= campaign.frequencyCapCount)
      return `Frequency cap: ${count} of this campaign in ${campaign.frequencyCapHours} h.`;
  }
  if (!send.transactional) {
    const since = new Date(now.getTime() - sending.memberCapDays * 86_400_000);
    const count = await tx.campaignSend.count({ where: { ...recent(since), transactional: false } });
    if (count >= sending.memberCapCount)
      return `Member cap: ${count} marketing messages in ${sending.memberCapDays} days.`;
  }
  return null;
}
