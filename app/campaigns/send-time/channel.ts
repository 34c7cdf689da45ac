// The channel with the highest expected response for a member, among those they can receive.
// Beta–Bernoulli per channel: the prior mean is the shop's response rate on that channel
// (smoothed by one success and one failure), worth CHANNEL_PRIOR_STRENGTH sends; the member's
// own sends and responses update it; the pick is the highest posterior mean. ADR 0050.

export const CHANNELS = ["email", "sms", "inbox"] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_PRIOR_STRENGTH = 10;

/** Sends on a channel and the responses to them (an open, click or order after the send). */
export type ChannelStats = { sends: number; responses: number };

/** What decides whether a member can receive a channel at all. */
export type Reachability = {
  email: { consent: boolean; address: boolean; suppressed: boolean };
  sms: { consent: boolean; phone: boolean; suppressed: boolean };
  /** The widget inbox: every active member. */
  member: boolean;
};

export type ChannelChoice =
  | {
      channel: Channel;
      /** The reachable channels, best first: a send takes the first one the shop can deliver. */
      ranking: Channel[];
      /** Posterior mean response rate of each reachable channel. */
      expected: Partial<Record<Channel, number>>;
      source: "member" | "shop";
      reason: string;
    }
  | { channel: null; ranking: []; expected: Record<string, never>; source: "none"; reason: string };

export function reachableChannels(r: Reachability): Channel[] {
  return CHANNELS.filter((c) =>
    c === "email"
      ? r.email.consent && r.email.address && !r.email.suppressed
      : c === "sms"
        ? r.sms.consent && r.sms.phone && !r.sms.suppressed
        : r.member,
  );
}

const laplace = (s: ChannelStats) => (s.responses + 1) / (s.sends + 2);

/**
 * Beta(α, β) priors worth `strength` sends: the shop's rate on the channel, (responses + 1) /
 * (sends + 2). A channel the shop has never sent on is assumed no better than its worst tried
 * channel (an A/B variant is how it earns its place), so untried channels never win by default.
 */
export function channelPriors(
  shop: Partial<Record<Channel, ChannelStats>>,
  strength = CHANNEL_PRIOR_STRENGTH,
): Record<Channel, { alpha: number; beta: number }> {
  const tried = CHANNELS.filter((c) => (shop[c]?.sends ?? 0) > 0).map((c) => laplace(shop[c]!));
  const untried = tried.length ? Math.min(...tried) : 0.5;
  const prior = (c: Channel) => {
    const mean = (shop[c]?.sends ?? 0) > 0 ? laplace(shop[c]!) : untried;
    return { alpha: strength * mean, beta: strength * (1 - mean) };
  };
  return { email: prior("email"), sms: prior("sms"), inbox: prior("inbox") };
}

export function posteriorMean(prior: { alpha: number; beta: number }, member: ChannelStats): number {
  return (prior.alpha + member.responses) / (prior.alpha + prior.beta + member.sends);
}

const none: ChannelStats = { sends: 0, responses: 0 };

/**
 * The reachable channel with the highest posterior mean response; ties go to the earlier
 * channel in CHANNELS (email, sms, inbox). No reachable channel: `channel: null` with the reason.
 */
export function bestChannel(
  reach: Reachability,
  shop: Partial<Record<Channel, ChannelStats>>,
  member: Partial<Record<Channel, ChannelStats>>,
): ChannelChoice {
  const channels = reachableChannels(reach);
  if (channels.length === 0)
    return {
      channel: null,
      ranking: [],
      expected: {},
      source: "none",
      reason: "No channel the member can receive.",
    };
  const priors = channelPriors(shop);
  const expected: Partial<Record<Channel, number>> = {};
  let best = channels[0]!;
  for (const c of channels) {
    expected[c] = posteriorMean(priors[c], member[c] ?? none);
    if (expected[c]! > expected[best]!) best = c;
  }
  const own = member[best] ?? none;
  const sends = channels.reduce((k, c) => k + (member[c]?.sends ?? 0), 0);
  const source = sends > 0 ? "member" : "shop";
  const reason =
    channels.length === 1
      ? `only channel the member can receive`
      : source === "member"
        ? `${own.responses} of ${own.sends} ${best} messages answered`
        : "shop default";
  // Stable sort: equal means keep the CHANNELS order, as the pick does.
  const ranking = [...channels].sort((a, b) => expected[b]! - expected[a]!);
  return { channel: best, ranking, expected, source, reason };
}

/** The channel a "best channel" send goes by: the first of the member's ranking the shop can deliver. */
export function deliverableChannel(
  ranking: readonly string[],
  deliverable: readonly Channel[],
): Channel | null {
  return (ranking.find((c) => (deliverable as readonly string[]).includes(c)) as Channel | undefined) ?? null;
}
