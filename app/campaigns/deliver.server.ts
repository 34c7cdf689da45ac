import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { adjustPoints } from "~/loyalty/services/adjustments.server";
import { memberProgram } from "~/loyalty/services/member-program.server";
import { openAi, type OpenAiClient } from "~/openai.server";
import { shopSending, type ShopSending } from "./campaigns.server";
import { CHANNEL_RULES, type RenderedMessage } from "./channels";
import { claimSend, finish, type HandOff, type Refusal } from "./claim.server";
import type { ProviderChannel } from "./definition";
import { deliveryWay, renderFor } from "./delivery-way.server";
import { armOf, campaignExperiment } from "./measure/test.server";
import { sharedChannel, variantSendTime } from "./measure/variants";
import { channelTransport } from "./providers.server";
import { quietHoursEnd } from "./quiet-hours";
import { campaignSendInstant } from "./send-time/deliver-hook.server";
import { CAMPAIGN_DEFAULT } from "./send-time/send-instant";
import { ProviderError, type OutgoingMessage, type Transport } from "./transport.server";
import { unsubscribeUrl } from "./unsubscribe.server";

// Delivers one CampaignSend, at most once, on any channel (email, SMS, the widget inbox: the
// per-channel differences are CHANNEL_RULES and renderMessage in channels.ts; the channel,
// address and render are delivery-way.server.ts). Every check that can stop a message
// (consent, the suppression list, the caps, quiet hours, the shop's rate) runs before the
// hand-off to the provider or the inbox. The hand-off is claimed first (claim.server.ts:
// `sendingSince`, under a per-member lock with the cap counts), so two workers never both
// send, and an attempt that finds the claim of an earlier one that never finished fails
// instead of sending a second copy. A measured campaign (app/campaigns/measure) picks the
// member's arm: the holdout's send is recorded `heldOut` at the instant it would have gone
// (after the same checks and caps), a variant's is its own message, possibly on its own
// channel; each exposes the member to the campaign's experiment then.

export type DeliveryDeps = {
  now?: () => Date;
  /** The provider of a channel for a shop's settings (default: providers.server.ts). */
  transportFor?: (sending: ShopSending, channel: ProviderChannel) => Transport | { missing: string };
  /** Where Twilio reports delivery (default: the app's /twilio/status); null sends none. */
  statusCallback?: (shop: string) => string | null;
  /**
   * Takes a slot of the shop's per-minute rate and of its provider account's
   * (send-rate.server.ts); the instant to try again when either is used up.
   */
  takeRateSlot?: (
    shop: string,
    sending: ShopSending,
    channel: ProviderChannel,
    now: Date,
  ) => Promise<Date | null>;
  /** The AI writer's client for send-time personalisation (default: the configured one, or none). */
  openAi?: OpenAiClient | null;
};

export type DeliveryOutcome =
  | { status: "sent"; providerMessageId: string }
  | { status: "suppressed" | "failed"; reason: string }
  | { status: "heldOut"; armKey: string }
  | { status: "done" }
  | { status: "wait"; until: Date; reason: "quiet hours" | "rate limit" | "send time" };

/** A provider error worth retrying; the send stays queued (and unclaimed) for the next attempt. */
export class RetryableSendError extends Error {
  override name = "RetryableSendError";
}

const defaultStatusCallback = (shop: string) =>
  `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/twilio/status?shop=${encodeURIComponent(shop)}`;

/**
 * `finalAttempt`: a provider error now fails the send for good (visible as `failed` with
 * the error) instead of asking for a retry.
 */
export async function deliverSend(
  db: PrismaClient,
  sendId: string,
  options: { finalAttempt: boolean },
  deps: DeliveryDeps = {},
): Promise<DeliveryOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const send = await db.campaignSend.findUnique({ where: { id: sendId }, include: { campaign: true } });
  if (!send || send.status !== "queued") return { status: "done" };
  // Why an email send went to the inbox instead (`inboxFallback`): a refusal there names both.
  let fallbackFrom: string | null = null;
  const end = (status: Refusal["status"], reason: string) =>
    finish(db, sendId, status, fallbackFrom ? `${fallbackFrom} Inbox: ${reason}` : reason);
  if (send.sendingSince)
    return end(
      "failed",
      "An earlier attempt was interrupted while handing the message over; not sent again.",
    );

  const { shop, campaign, customerId } = send;
  const [shopRow, customer, member, sending, experiment] = await Promise.all([
    db.shop.findUnique({
      where: { domain: shop },
      select: { name: true, ianaTimezone: true, currencyCode: true },
    }),
    db.customer.findUnique({ where: { shop_id: { shop, id: customerId } } }),
    db.member.findUnique({ where: { shop_customerId: { shop, customerId } } }),
    shopSending(db, shop),
    campaignExperiment(db, shop, campaign.experimentId),
  ]);
  if (!campaign.enabled) return end("suppressed", "The campaign was switched off.");
  if (!customer || customer.deletedAt || customer.redactedAt)
    return end("suppressed", "The customer is gone or redacted.");

  // A measured campaign (app/campaigns/measure): the member's arm. A test whose variants go on
  // different channels tests the channel, and then whether the member can be reached depends
  // on the arm, so it must not decide who is measured: a member the arm's channel cannot
  // carry stays in the arm (exposed at the would-be send, the send suppressed or failed with
  // the reason), and the holdout is filtered by no channel. When every variant shares one
  // channel, reaching the member on it is the same question for every arm (the holdout
  // included) and decides, as for an unmeasured campaign, who is in the test.
  const arm = armOf(shop, experiment, customerId);
  const message = arm && !arm.holdout ? arm.message : null;
  const shared = experiment ? sharedChannel(experiment.variants) : null;
  const channelTest = experiment !== null && shared === null;
  const target = message
    ? { channel: message.channel, smsBody: message.smsBody }
    : { channel: shared ?? campaign.channel, smsBody: campaign.smsBody };
  const transportFor = (channel: ProviderChannel) =>
    (deps.transportFor ?? channelTransport)(sending, channel);
  const way =
    arm?.holdout && channelTest ? null : await deliveryWay(db, send, target, customer, transportFor, now);
  fallbackFrom = way?.fallbackFrom ?? null;
  if (way && "refused" in way && !channelTest) return end(way.refused.status, way.refused.reason);

  if (!member || member.status !== "active") return end("suppressed", "Not an active member.");
  const resolved = await memberProgram(db, shop, customerId, now);
  if (resolved.heldOut) return end("suppressed", "In the program holdout.");

  // Email carries a one-click unsubscribe link; an SMS ends with its STOP line instead.
  const deliverable = way && !("refused" in way) ? way : null;
  const address = deliverable?.address ?? null;
  const link =
    deliverable?.channel === "email" && address ? unsubscribeUrl({ shop, customerId, email: address }) : "";
  let refused = way && "refused" in way ? way.refused : null;
  let rendered: RenderedMessage | null = null;
  if (deliverable) {
    const result = await renderFor(
      db,
      send,
      campaign,
      deliverable.channel,
      message,
      { shopRow, customer, member, program: resolved.program, measured: !!experiment, unsubscribeUrl: link },
      { openAi: deps.openAi === undefined ? openAi() : deps.openAi, now: deps.now },
      now,
    );
    // A variant's message that cannot go is recorded in its arm (its content is the arm's);
    // the holdout's is rendered for the log only, and nothing of it is sent.
    if (!("problem" in result)) rendered = result;
    else if (message) refused = { status: "failed", reason: result.problem };
    else if (!arm?.holdout) return end("failed", result.problem);
  }

  const paced = deliverable ? CHANNEL_RULES[deliverable.channel].paced : true;
  const quiet =
    paced && campaign.quietStartHour !== null && campaign.quietEndHour !== null
      ? { startHour: campaign.quietStartHour, endHour: campaign.quietEndHour }
      : null;
  // ── send time (app/campaigns/send-time): when the message may go — the campaign's setting,
  // or a variant's own mode (`sendInstant`, one function for both); quiet hours still win.
  const timeZone = shopRow?.ianaTimezone ?? "UTC";
  const choice = message ? variantSendTime(message.sendTime) : CAMPAIGN_DEFAULT;
  const sendAt = await campaignSendInstant(db, send, campaign, timeZone, quiet, now, choice);
  if (sendAt > now) return { status: "wait", until: sendAt, reason: "send time" };
  // ── end send time
  const quietEnd = quietHoursEnd(now, timeZone, quiet);
  if (quietEnd) return { status: "wait", until: quietEnd, reason: "quiet hours" };

  const measured = experiment && arm ? { experiment, arm } : null;
  const handOff: HandOff = refused
    ? { channel: way?.channel ?? send.channel, refused }
    : {
        channel: deliverable?.channel ?? send.channel,
        address,
        summary: rendered?.summary ?? null,
        inbox: rendered?.channel === "inbox" ? rendered : null,
      };
  const claim = await claimSend(db, send, campaign, sending, handOff, now, measured);
  if (claim === "busy") return { status: "done" };
  if (claim === "heldOut") return { status: "heldOut", armKey: arm!.key };
  if (claim === "refused") return { status: refused!.status, reason: refused!.reason };
  if (typeof claim === "object" && "capped" in claim) return end("suppressed", claim.capped);
  if (typeof claim === "object") {
    if (message?.offer) await grantOffer(db, send, campaign.name, message.key, message.offer.points, now);
    return { status: "sent", providerMessageId: claim.inboxMessageId };
  }
  const { channel, transport } = deliverable!;
  if (!transport || !address || !rendered || rendered.channel === "inbox")
    throw new Error(`A ${channel} send reached the provider hand-off without a provider.`);
  if (deps.takeRateSlot) {
    const retryAt = await deps.takeRateSlot(shop, sending, rendered.channel, now);
    if (retryAt) {
      await db.campaignSend.update({ where: { id: sendId }, data: { sendingSince: null } });
      return { status: "wait", until: retryAt, reason: "rate limit" };
    }
  }

  try {
    const { providerMessageId } = await transport.send(
      outgoing(rendered, { to: address, sendId, campaignName: campaign.name, unsubscribeUrl: link }, () =>
        (deps.statusCallback ?? defaultStatusCallback)(shop),
      ),
    );
    await db.campaignSend.update({
      where: { id: sendId },
      data: { status: "sent", sentAt: now, providerMessageId, error: null, sendingSince: null },
    });
    if (message?.offer) await grantOffer(db, send, campaign.name, message.key, message.offer.points, now);
    return { status: "sent", providerMessageId };
  } catch (error) {
    if (!(error instanceof ProviderError)) {
      await db.campaignSend.update({ where: { id: sendId }, data: { sendingSince: null } });
      throw error;
    }
    if (error.permanent) {
      await db.campaignSuppression.upsert({
        where: { shop_channel_address: { shop, channel, address } },
        create: { shop, channel, address, reason: error.suppressAs },
        update: {},
      });
      return finish(
        db,
        sendId,
        "failed",
        `${error.suppressAs === "bounced" ? "Bounced" : "Refused"}: ${error.message}`,
      );
    }
    if (!error.retryable || options.finalAttempt)
      return finish(db, sendId, "failed", `Provider: ${error.message}`);
    await db.campaignSend.update({
      where: { id: sendId },
      data: { sendingSince: null, error: `Provider (will retry): ${error.message}` },
    });
    throw new RetryableSendError(error.message, { cause: error });
  }
}

function outgoing(
  rendered: Exclude<RenderedMessage, { channel: "inbox" }>,
  common: { to: string; sendId: string; campaignName: string; unsubscribeUrl: string },
  statusCallback: () => string | null,
): OutgoingMessage {
  if (rendered.channel === "sms")
    return { channel: "sms", ...common, body: rendered.body, statusCallback: statusCallback() };
  const { summary: _summary, ...email } = rendered;
  return { ...email, ...common };
}

/** The variant's bonus points, once per send (keyed by it); the message is out, so a refusal is logged. */
async function grantOffer(
  db: PrismaClient,
  send: { id: string; shop: string; customerId: bigint },
  campaignName: string,
  variantKey: string,
  points: number,
  now: Date,
) {
  try {
    await adjustPoints(db, {
      shop: send.shop,
      customerId: send.customerId,
      points,
      reason: `Offer in the campaign "${campaignName}" (variant ${variantKey})`,
      staffId: "campaign",
      adjustmentId: `campaign-offer:${send.id}`,
      now,
    });
  } catch (error) {
    logger().error({ err: error, sendId: send.id }, "granting a campaign offer failed");
  }
}
