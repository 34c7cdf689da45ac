import type { PrismaClient } from "~/db.server";
import type { Customer, Shop } from "~/generated/prisma/client";
import type { OpenAiClient } from "~/openai.server";
import { CHANNEL_RULES, renderMessage, type Reachable, type RenderedMessage } from "./channels";
import type { Refusal } from "./claim.server";
import { CHANNELS, PROVIDER_CHANNELS, type Channel, type ProviderChannel } from "./definition";
import { trackingFor } from "./measure/tracking.server";
import type { MessageVariant } from "./measure/variants";
import { resolveSendChannel } from "./send-time/deliver-hook.server";
import { TemplateError } from "./template";
import type { Transport } from "./transport.server";
import { templateValues } from "./values.server";
import { personalisedCopy } from "./writer/personalize.server";

// Two steps of a delivery (deliver.server.ts) that depend on the channel: which channel a
// send goes on and whether the member can be reached there (the way), and what the member
// receives on it (the render). Both answer a reason instead of throwing, so the delivery
// decides whether the reason ends the send or — in a test of the channel — is recorded in
// the member's arm.

export type Way =
  | { channel: Channel; address: string | null; transport: Transport | null; fallbackFrom: string | null }
  | { channel: string; refused: Refusal; fallbackFrom: string | null };

type WaySend = {
  id: string;
  shop: string;
  customerId: bigint;
  channel: string;
  campaign: { transactional: boolean; inboxFallback: boolean };
};

const isProviderChannel = (channel: Channel): channel is ProviderChannel =>
  (PROVIDER_CHANNELS as readonly string[]).includes(channel);

/**
 * The channel for `target` (a fixed one, or "best": the member's best deliverable channel,
 * recorded on the send), the member's address on it, and its provider. An email campaign
 * with `inboxFallback` goes to the widget inbox when the member cannot be emailed (ADR
 * 0048); a refusal there names both reasons.
 */
export async function deliveryWay(
  db: PrismaClient,
  send: WaySend,
  target: { channel: string; smsBody: string | null },
  customer: Reachable,
  transportFor: (channel: ProviderChannel) => Transport | { missing: string },
  now: Date,
): Promise<Way> {
  const chosen = await resolveSendChannel(db, send, target, now);
  if ("suppressed" in chosen)
    return {
      channel: target.channel,
      refused: { status: "suppressed", reason: chosen.suppressed },
      fallbackFrom: null,
    };
  let channel = CHANNELS.find((c) => c === chosen.channel);
  if (!channel)
    return {
      channel: chosen.channel,
      refused: { status: "failed", reason: `The ${chosen.channel} channel cannot be delivered here.` },
      fallbackFrom: null,
    };
  const { transactional, inboxFallback } = send.campaign;
  let reach = await reachable(db, send.shop, channel, customer, transactional);
  let fallbackFrom: string | null = null;
  if ("problem" in reach && channel === "email" && inboxFallback) {
    fallbackFrom = reach.problem;
    channel = "inbox";
    reach = await reachable(db, send.shop, channel, customer, transactional);
  }
  if ("problem" in reach)
    return { channel, refused: { status: "suppressed", reason: reach.problem }, fallbackFrom };
  const transport = isProviderChannel(channel) ? transportFor(channel) : null;
  if (transport && "missing" in transport)
    return { channel, refused: { status: "failed", reason: transport.missing }, fallbackFrom };
  return { channel, address: reach.address, transport, fallbackFrom };
}

/**
 * The customer's address on the channel, or why it cannot carry this message: no usable
 * address, an address on the suppression list, or (marketing only) no consent.
 */
async function reachable(
  db: PrismaClient,
  shop: string,
  channel: Channel,
  customer: Reachable,
  transactional: boolean,
): Promise<{ address: string | null } | { problem: string }> {
  const rules = CHANNEL_RULES[channel];
  const reach = rules.address(customer);
  if ("problem" in reach || reach.address === null) return reach;
  const suppressed = await db.campaignSuppression.findUnique({
    where: { shop_channel_address: { shop, channel, address: reach.address } },
  });
  if (suppressed) return { problem: `The address is on the suppression list (${suppressed.reason}).` };
  if (!transactional && !rules.consented(customer)) return { problem: rules.noConsent };
  return reach;
}

type ValuesInput = Parameters<typeof templateValues>[1];
type RenderCampaign = Parameters<typeof personalisedCopy>[1] & {
  smsBody: string | null;
  transactional: boolean;
  ctaLabel: string | null;
  ctaUrl: string | null;
};

/**
 * What the member receives on `channel`: the campaign's message, or the variant's, with the
 * writer's personal line when the campaign asks for one (cached per bucket and per copy;
 * the template line on any failure); a measured email carries the pixel and tracked links.
 */
export async function renderFor(
  db: PrismaClient,
  send: { id: string; shop: string; customerId: bigint; occurrence: string },
  campaign: RenderCampaign,
  channel: Channel,
  message: MessageVariant | null,
  context: {
    shopRow: Pick<Shop, "name" | "ianaTimezone" | "currencyCode"> | null;
    customer: Pick<Customer, "firstName">;
    member: ValuesInput["member"];
    program: ValuesInput["program"];
    measured: boolean;
    unsubscribeUrl: string;
  },
  deps: { openAi: OpenAiClient | null; now?: () => Date },
  now: Date,
): Promise<RenderedMessage | { problem: string }> {
  const { shopRow } = context;
  try {
    const values = await templateValues(db, {
      shop: send.shop,
      shopName: shopRow?.name ?? send.shop,
      timeZone: shopRow?.ianaTimezone ?? "UTC",
      currencyCode: shopRow?.currencyCode ?? "USD",
      occurrence: send.occurrence,
      firstName: context.customer.firstName,
      member: context.member,
      program: context.program,
    });
    const own = message ? { ...campaign, subject: message.subject, body: message.body } : campaign;
    const copy = await personalisedCopy(db, own, values, send.customerId, deps);
    return await renderMessage(
      { ...campaign, ...copy, smsBody: message ? message.smsBody : campaign.smsBody, channel },
      values,
      context.unsubscribeUrl,
      context.measured && channel !== "inbox" ? trackingFor(send.id) : null,
      now,
    );
  } catch (error) {
    if (error instanceof TemplateError) return { problem: `Template: ${error.message}` };
    throw error;
  }
}
