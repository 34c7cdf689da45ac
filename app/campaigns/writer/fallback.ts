import type { CopyVariant, Tone } from "./copy";

// The template engine's copy: what the writer gives when OpenAI is not configured, fails,
// times out, is refused by moderation or the shop's cost cap. Deterministic: the same kind
// and tone always give the same messages. Every message kind campaigns send has three
// variants; the tone sets the greeting, the sign-off and how the subject ends.

export const MESSAGE_KINDS = {
  welcome: "welcoming a new member to the rewards program",
  pointsEarned: "a receipt of the points an order earned (transactional)",
  rewardUnlocked: "the member can now afford a reward",
  tierUpgrade: "the member moved up to a higher tier",
  downgradeWarning: "the member will drop to a lower tier unless they buy again soon",
  pointsExpiring: "some of the member's points expire soon",
  birthday: "a happy-birthday message with the member's birthday bonus",
  winBack: "the member has not bought for a while; invite them back",
  almostThere: "the member is close to their next reward",
  broadcast: "a message to a segment of members about the program",
} as const;

export type MessageKind = keyof typeof MESSAGE_KINDS;

/** The message kind of a campaign's trigger (a broadcast, or a trigger without its own copy, is "broadcast"). */
export const messageKindOf = (trigger: string | null | undefined): MessageKind => {
  // The trigger's name where it differs from the message kind's.
  const named = trigger === "tierDowngradeWarning" ? "downgradeWarning" : trigger;
  return named && named in MESSAGE_KINDS ? (named as MessageKind) : "broadcast";
};

type Core = { subject: string; lines: string[] };

const CORE: Record<MessageKind, [Core, Core, Core]> = {
  welcome: [
    {
      subject: "Welcome to {shopName} Rewards",
      lines: [
        "You are in. Every order now earns points you can turn into rewards.",
        "You have {balance} points to start with.",
      ],
    },
    {
      subject: "{firstName}, your rewards start now",
      lines: [
        "Thanks for joining {shopName} Rewards.",
        "Earn points on every order; {nearestReward} is your first reward to aim for.",
      ],
    },
    {
      subject: "You have joined {shopName} Rewards",
      lines: [
        "Your membership is active and you hold {balance} points.",
        "Collect {pointsToNextReward} more and {nearestReward} is yours.",
      ],
    },
  ],
  pointsEarned: [
    {
      subject: "You earned {points} points",
      lines: ["Your latest order earned {points} points.", "Your balance is now {balance} points."],
    },
    {
      subject: "{points} points added to your balance",
      lines: [
        "We added {points} points for your order. You now have {balance} points.",
        "{pointsToNextReward} more and {nearestReward} is yours.",
      ],
    },
    {
      subject: "Your order earned {points} points",
      lines: ["Thank you for your order: {points} points are on their way to your balance of {balance}."],
    },
  ],
  rewardUnlocked: [
    {
      subject: "{nearestReward} is ready for you",
      lines: ["You have {balance} points: enough for {nearestReward}.", "Redeem it on your next order."],
    },
    {
      subject: "{firstName}, you unlocked {nearestReward}",
      lines: ["Your points balance reached {balance}, so {nearestReward} is now yours to redeem."],
    },
    {
      subject: "Your points can buy {nearestReward}",
      lines: ["With {balance} points you can redeem {nearestReward} at checkout."],
    },
  ],
  tierUpgrade: [
    {
      subject: "{firstName}, you are now {tierName}",
      lines: [
        "Welcome to {tierName} at {shopName}.",
        "You have {balance} points; {pointsToNextReward} more for {nearestReward}.",
      ],
    },
    {
      subject: "You reached {tierName}",
      lines: [
        "Your orders moved you up to {tierName}, with everything that comes with it.",
        "Your balance: {balance} points.",
      ],
    },
    {
      subject: "Welcome to {tierName}",
      lines: [
        "You are now a {tierName} member of {shopName} Rewards.",
        "{nearestReward} is {pointsToNextReward} points away.",
      ],
    },
  ],
  downgradeWarning: [
    {
      subject: "Keep your {tierName} status",
      lines: [
        "Your {tierName} status is due for review soon.",
        "An order before then keeps it, and earns points towards {nearestReward}.",
      ],
    },
    {
      subject: "{firstName}, your {tierName} status ends soon",
      lines: [
        "To stay {tierName}, place an order before your status is reviewed.",
        "You have {balance} points to use as well.",
      ],
    },
    {
      subject: "Your {tierName} benefits are at stake",
      lines: ["Stay {tierName} with one more order soon.", "Your {balance} points are waiting for you."],
    },
  ],
  pointsExpiring: [
    {
      subject: "{points} of your points expire soon",
      lines: [
        "{points} of your points expire soon.",
        "Use them before then: {nearestReward} could be yours.",
      ],
    },
    {
      subject: "{firstName}, use your points before they expire",
      lines: [
        "You have {balance} points, and {points} of them expire soon.",
        "Redeem them on your next order.",
      ],
    },
    {
      subject: "Do not lose {points} points",
      lines: [
        "{points} points on your account expire soon. Spend them on {nearestReward} or another reward.",
      ],
    },
  ],
  birthday: [
    {
      subject: "Happy birthday, {firstName}",
      lines: [
        "Happy birthday from all of us at {shopName}.",
        "We added {points} points to your balance as a gift.",
      ],
    },
    {
      subject: "A birthday gift for you",
      lines: ["It is your birthday, so here are {points} bonus points.", "You now have {balance} points."],
    },
    {
      subject: "{firstName}, {points} birthday points are yours",
      lines: ["Many happy returns. Your birthday bonus of {points} points is in your account."],
    },
  ],
  winBack: [
    {
      subject: "We miss you, {firstName}",
      lines: [
        "It has been a while since your last visit to {shopName}.",
        "Your {balance} points are still here, waiting for you.",
      ],
    },
    {
      subject: "Your {balance} points are waiting",
      lines: [
        "You still have {balance} points at {shopName}.",
        "Come back and put them towards {nearestReward}.",
      ],
    },
    {
      subject: "Come back to {shopName}",
      lines: ["We would love to see you again.", "You are {pointsToNextReward} points from {nearestReward}."],
    },
  ],
  almostThere: [
    {
      subject: "Only {pointsToNextReward} points to {nearestReward}",
      lines: [
        "You are nearly there: {pointsToNextReward} more points and {nearestReward} is yours.",
        "You have {balance} points today.",
      ],
    },
    {
      subject: "{firstName}, {nearestReward} is within reach",
      lines: ["Your balance of {balance} points is close to {nearestReward}.", "One more order could do it."],
    },
    {
      subject: "So close to {nearestReward}",
      lines: ["Just {pointsToNextReward} points to go before you can redeem {nearestReward}."],
    },
  ],
  broadcast: [
    {
      subject: "News from {shopName} Rewards",
      lines: [
        "You have {balance} points with {shopName} Rewards.",
        "{pointsToNextReward} more and {nearestReward} is yours.",
      ],
    },
    {
      subject: "{firstName}, your rewards update",
      lines: ["As a {tierName} member you hold {balance} points.", "Your next reward is {nearestReward}."],
    },
    {
      subject: "Your {shopName} points",
      lines: ["Your balance is {balance} points, {pointsToNextReward} from {nearestReward}."],
    },
  ],
};

const VOICE: Record<Tone, { greeting: string; signOff: string; subjectEnd: string }> = {
  friendly: { greeting: "Hi {firstName},", signOff: "See you soon,\nThe {shopName} team", subjectEnd: "" },
  formal: { greeting: "Dear {firstName},", signOff: "Kind regards,\n{shopName}", subjectEnd: "" },
  playful: {
    greeting: "Hey {firstName}!",
    signOff: "Happy shopping!\nThe {shopName} crew",
    subjectEnd: " 🎉",
  },
};

/** The template engine's `count` variants for a message kind, in the brand voice's tone. */
export function templateVariants(kind: MessageKind, tone: Tone, count = 3): CopyVariant[] {
  const voice = VOICE[tone];
  return Array.from({ length: count }, (_, i) => {
    const core = CORE[kind][i % 3]!;
    return {
      subject: core.subject + voice.subjectEnd,
      body: [voice.greeting, core.lines.join(" "), voice.signOff].join("\n\n"),
    };
  });
}

export type LineContext = { canRedeem: boolean; favouriteCategory: string | null };

/** The template engine's personal line for a member's context. */
export function templateLine(context: LineContext, tone: Tone): string {
  const reward = context.canRedeem
    ? "You can already redeem {nearestReward}."
    : "You are {pointsToNextReward} points from {nearestReward}.";
  const category = context.favouriteCategory?.replace(/[{}\n]/g, "").trim();
  const extra = category
    ? tone === "formal"
      ? ` Our latest ${category} may interest you.`
      : ` Have a look at what is new in ${category}.`
    : "";
  return reward + extra;
}
