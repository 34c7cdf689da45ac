import type { PrismaClient } from "~/db.server";
import type { ShopSending } from "./campaigns.server";
import { capReason, memberLock, type CampaignCaps } from "./caps.server";
import type { RenderedMessage } from "./channels";
import { exposeArm, type CampaignExperiment } from "./measure/test.server";
import type { ArmChoice } from "./measure/variants";

// The last step before a message leaves (deliver.server.ts): under a lock on the member's
// sends, the caps (caps.server.ts), then the claim, so two workers never both send. The inbox
// needs no provider, so its claim is its hand-off: the message row and the send's "sent" in
// one transaction (InboxMessage.sendId is unique too). A measured send exposes the member to
// the campaign's experiment here: the holdout at its would-be send, a variant at its claim
// (intent to treat: a later bounce stays in its arm), and — in a test of the channel — a
// member the arm's channel could not carry at the instant the message would have gone.

export type Refusal = { status: "suppressed" | "failed"; reason: string };
type InboxMessageContent = Extract<RenderedMessage, { channel: "inbox" }>;

export type HandOff =
  | { channel: string; address: string | null; summary: string | null; inbox: InboxMessageContent | null }
  | { channel: string; refused: Refusal };

type SendRow = { id: string; shop: string; customerId: bigint; transactional: boolean };

export type Claim =
  "claimed" | "busy" | "heldOut" | "refused" | { capped: string } | { inboxMessageId: string };

/** Ends a queued send without sending (a reason for the log). */
export async function finish(db: PrismaClient, sendId: string, status: Refusal["status"], reason: string) {
  await db.campaignSend.updateMany({
    where: { id: sendId, status: "queued" },
    data: { status, error: reason, sendingSince: null },
  });
  return { status, reason } as const;
}

/**
 * "claimed" (the provider hand-off is ours), "busy" (another attempt holds it), "heldOut",
 * "refused" (recorded with its reason and exposed), the cap that stops it, or the inbox
 * message written.
 */
export async function claimSend(
  db: PrismaClient,
  send: SendRow,
  campaign: CampaignCaps,
  sending: ShopSending,
  handOff: HandOff,
  now: Date,
  measured: { experiment: CampaignExperiment; arm: ArmChoice } | null,
): Promise<Claim> {
  return db.$transaction(async (tx): Promise<Claim> => {
    await memberLock(tx, send.shop, send.customerId);
    const capped = await capReason(tx, send, campaign, sending, now);
    if (capped) return { capped };
    const unclaimed = { id: send.id, status: "queued" as const, sendingSince: null };
    const variantKey = measured?.arm.key ?? null;
    const expose = () =>
      measured
        ? exposeArm(tx, send.shop, measured.experiment, send.customerId, measured.arm.key, now)
        : Promise.resolve(0);
    if ("refused" in handOff) {
      const { status, reason } = handOff.refused;
      const done = await tx.campaignSend.updateMany({
        where: unclaimed,
        data: { status, error: reason, channel: handOff.channel, variantKey, sentAt: now },
      });
      if (done.count === 1) await expose();
      return done.count === 1 ? "refused" : "busy";
    }
    const recorded = {
      channel: handOff.channel,
      toAddress: handOff.address,
      subject: handOff.summary,
      variantKey,
      error: null,
    };
    if (measured?.arm.holdout) {
      const held = await tx.campaignSend.updateMany({
        where: unclaimed,
        data: { ...recorded, status: "heldOut", sentAt: now },
      });
      if (held.count === 1) await expose();
      return held.count === 1 ? "heldOut" : "busy";
    }
    const claimed = await tx.campaignSend.updateMany({
      where: unclaimed,
      data: handOff.inbox
        ? { ...recorded, status: "sent", sentAt: now, attempts: { increment: 1 } }
        : { ...recorded, sendingSince: now, attempts: { increment: 1 } },
    });
    // Another attempt claimed it between our read and this lock: it sends, we stop.
    if (claimed.count !== 1) return "busy";
    await expose();
    if (!handOff.inbox) return "claimed";
    const { summary: _summary, channel: _channel, ...content } = handOff.inbox;
    const message = await tx.inboxMessage.create({
      data: { shop: send.shop, customerId: send.customerId, sendId: send.id, ...content, createdAt: now },
    });
    await tx.campaignSend.update({ where: { id: send.id }, data: { providerMessageId: message.id } });
    return { inboxMessageId: message.id };
  });
}
