import type { PrismaClient } from "~/db.server";
import type { QuietHours } from "../quiet-hours";
import { deliverableChannel, type Channel } from "./channel";
import { memberSendTime } from "./refresh.server";
import { CAMPAIGN_DEFAULT, sendInstant, type SendTime, type SendTimeChoice } from "./send-instant";

// The calls deliver.server.ts makes into this room: when a queued send may go out, and on
// which channel. A send at once or at a fixed hour costs no query; one at the member's best
// hour reads (or on a miss computes) the member's MemberSendTime row. `choice` is an
// experiment variant's send-time mode (measure/variants.ts `variantSendTime`) instead of the
// campaign's own: the campaign and its variants go through the one `sendInstant`.

export function campaignSendTime(campaign: { sendTime: string }): SendTime {
  return campaign.sendTime === "bestHour" ? { mode: "bestHour" } : { mode: "immediate" };
}

export async function campaignSendInstant(
  db: PrismaClient,
  send: { shop: string; customerId: bigint; queuedAt: Date },
  campaign: { sendTime: string },
  timeZone: string,
  quiet: QuietHours | null,
  now: Date,
  choice: SendTimeChoice = CAMPAIGN_DEFAULT,
): Promise<Date> {
  const campaignDefault = campaignSendTime(campaign);
  const time = choice.mode === "campaignDefault" ? campaignDefault : choice;
  // A send is never queued after the delivery's clock: a later stamp (another machine's clock,
  // a job run on a replayed clock) counts as queued now, so "at once" never waits for it.
  const queuedAt = send.queuedAt > now ? now : send.queuedAt;
  // At once: nothing to wait for here; deliver.server.ts applies quiet hours as before.
  if (time.mode === "immediate") return queuedAt;
  const memberHour =
    time.mode === "bestHour"
      ? ((await memberSendTime(db, send.shop, send.customerId, now))?.hour ?? null)
      : null;
  return sendInstant({ choice, campaignDefault, queuedAt, timeZone, memberHour, quiet });
}

/** The channels this build can deliver (SMS only for a campaign with an SMS text). */
export const DELIVERABLE_CHANNELS: readonly Channel[] = ["email", "sms", "inbox"];

/**
 * The channel a send goes on: a fixed channel (the campaign's, or its variant's) as it is; for "best"
 * the member's best channel the shop can deliver, recorded on the send (so the channel
 * statistics count it), or the reason the send must not go.
 */
export async function resolveSendChannel(
  db: PrismaClient,
  send: { id: string; shop: string; customerId: bigint; channel: string },
  campaign: { channel: string; smsBody?: string | null },
  now: Date,
  deliverable: readonly Channel[] = DELIVERABLE_CHANNELS,
): Promise<{ channel: string } | { suppressed: string }> {
  if (campaign.channel !== "best") return { channel: campaign.channel };
  const row = await memberSendTime(db, send.shop, send.customerId, now);
  const usable = campaign.smsBody ? deliverable : deliverable.filter((c) => c !== "sms");
  const channel = deliverableChannel(row?.channels ?? [], usable);
  if (!channel)
    return {
      suppressed: `Best channel: none the shop can send (the member can receive ${row?.channels.join(", ") || "none"}).`,
    };
  if (send.channel !== channel) await db.campaignSend.update({ where: { id: send.id }, data: { channel } });
  return { channel };
}
