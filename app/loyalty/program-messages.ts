import { z } from "zod";

// The program's messages to members (emails, texts and widget notices the campaigns send,
// issue 17): per kind, a subject and a body with placeholders in braces, such as
// "{firstName}". Each kind allows the placeholders its sender can fill; any other name in
// braces is a field error, so a merchant's typo never reaches a customer as "{fristName}".
// Rendering is `renderMessage` (messages.ts).

export const MESSAGE_PLACEHOLDERS = [
  "firstName",
  "points",
  "balance",
  "rewardName",
  "tierName",
  "expiresOn",
  "shopName",
] as const;
export type MessagePlaceholder = (typeof MESSAGE_PLACEHOLDERS)[number];

/** What each message is about, and the placeholders its sender fills. */
export const MESSAGE_KINDS = {
  welcome: { label: "Welcome", placeholders: ["firstName", "shopName", "balance", "points"] },
  pointsEarned: { label: "Points earned", placeholders: ["firstName", "shopName", "points", "balance"] },
  rewardAvailable: {
    label: "Reward available",
    placeholders: ["firstName", "shopName", "rewardName", "points", "balance"],
  },
  pointsExpiring: {
    label: "Points expiring",
    placeholders: ["firstName", "shopName", "points", "balance", "expiresOn"],
  },
  tierChanged: { label: "Tier changed", placeholders: ["firstName", "shopName", "tierName", "balance"] },
} as const satisfies Record<string, { label: string; placeholders: readonly MessagePlaceholder[] }>;
export type MessageKind = keyof typeof MESSAGE_KINDS;
export const MESSAGE_KIND_KEYS = Object.keys(MESSAGE_KINDS) as [MessageKind, ...MessageKind[]];

/** The defaults a new program starts with: what a member of a well-run program receives. */
export const DEFAULT_MESSAGES: Record<MessageKind, { subject: string; body: string }> = {
  welcome: {
    subject: "Welcome to {shopName} Rewards, {firstName}",
    body:
      "Hi {firstName},\n\nThanks for joining {shopName} Rewards. You earn points on every order, " +
      "and your points turn into rewards you can use at checkout.\n\n" +
      "Your balance: {balance} points.\n\nSee you soon,\nThe {shopName} team",
  },
  pointsEarned: {
    subject: "You earned {points} points at {shopName}",
    body:
      "Hi {firstName},\n\nThanks for your order. It earned you {points} points, " +
      "and your balance is now {balance} points.\n\n" +
      "Keep an eye on your balance: rewards are closer than you think.\n\nThe {shopName} team",
  },
  rewardAvailable: {
    subject: "You have enough points for {rewardName}",
    body:
      "Hi {firstName},\n\nGood news: with {balance} points you can now redeem {rewardName} " +
      "for {points} points. Redeem it from your account page or the rewards panel in our store, " +
      "then use the code at checkout.\n\nThe {shopName} team",
  },
  pointsExpiring: {
    subject: "{points} of your points expire on {expiresOn}",
    body:
      "Hi {firstName},\n\n{points} of your {balance} points at {shopName} expire on {expiresOn}. " +
      "Place an order or redeem a reward before then to make the most of them.\n\nThe {shopName} team",
  },
  tierChanged: {
    subject: "You are now a {tierName} member",
    body:
      "Hi {firstName},\n\nYour {shopName} Rewards tier is now {tierName}. " +
      "Your tier's perks apply from your next order.\n\n" +
      "Your balance: {balance} points.\n\nThe {shopName} team",
  },
};

const TOKEN = /\{([^{}]*)\}/g;

/** The placeholder names in a template, in order (repeats included). */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(TOKEN)].map((m) => m[1]!);
}

/** What is wrong with a template for `kind`, or null: unknown placeholders, stray braces. */
export function templateProblem(kind: MessageKind, template: string): string | null {
  const allowed: readonly string[] = MESSAGE_KINDS[kind].placeholders;
  const unknown = [...new Set(placeholdersIn(template).filter((name) => !allowed.includes(name)))];
  if (unknown.length)
    return (
      `Unknown placeholder ${unknown.map((n) => `{${n}}`).join(", ")}. ` +
      `This message can use ${allowed.map((n) => `{${n}}`).join(", ")}.`
    );
  if (/[{}]/.test(template.replace(TOKEN, "")))
    return "Braces only surround placeholders, such as {firstName}.";
  return null;
}

function messageSchema(kind: MessageKind) {
  const text = (max: number, what: string) =>
    z
      .string({ error: `Write the ${what}.` })
      .trim()
      .min(1, { error: `Write the ${what}.` })
      .max(max, { error: `At most ${max} characters.` })
      .superRefine((template, ctx) => {
        const problem = templateProblem(kind, template);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      });
  return z
    .object({ subject: text(150, "subject"), body: text(2000, "message") })
    .prefault(DEFAULT_MESSAGES[kind]);
}

export const messagesSchema = z
  .object({
    welcome: messageSchema("welcome"),
    pointsEarned: messageSchema("pointsEarned"),
    rewardAvailable: messageSchema("rewardAvailable"),
    pointsExpiring: messageSchema("pointsExpiring"),
    tierChanged: messageSchema("tierChanged"),
  })
  .prefault({});

export type MessagesConfig = z.output<typeof messagesSchema>;
export type MessageTemplate = MessagesConfig[MessageKind];
