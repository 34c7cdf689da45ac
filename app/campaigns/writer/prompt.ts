import { BODY_MAX, LINE_MAX, SUBJECT_MAX, variableGuide, type BrandVoice } from "./copy";
import { MESSAGE_KINDS, type MessageKind } from "./fallback";

// What the model is asked. The member context is a sample (the editor) or a bucket of
// members (send time): never an email address, and at send time never a name; the name
// stays the {firstName} variable, filled in when each message is rendered.

export type MemberContext = {
  firstName: string | null;
  balance: number;
  tierName: string | null;
  nearestReward: string | null;
  pointsToNextReward: number;
  favouriteCategory: string | null;
};

const RULES = `Rules:
- Write plain text only: no HTML, no Markdown, no links, no emoji in the message body.
- Use only these variables, written exactly with braces; never invent other variables, and never use braces otherwise:
${variableGuide()}
- Prefer variables to literal values for anything about the member (their name, points, tier, reward).
- Never promise a discount, gift or deadline the brief does not state.`;

const voiceText = (voice: BrandVoice) =>
  `Brand voice: ${voice.tone}${voice.description.trim() ? `; ${voice.description.trim()}` : ""}.`;

const contextText = (c: MemberContext) =>
  [
    c.firstName !== null ? `first name ${c.firstName}` : null,
    `${c.balance} points`,
    `tier ${c.tierName ?? "none"}`,
    c.nearestReward
      ? c.pointsToNextReward > 0
        ? `${c.pointsToNextReward} points from the reward "${c.nearestReward}"`
        : `can redeem "${c.nearestReward}"`
      : "no rewards in the program",
    c.favouriteCategory ? `buys mostly ${c.favouriteCategory}` : null,
  ]
    .filter(Boolean)
    .join(", ");

export function variantsPrompt(input: {
  shopName: string;
  kind: MessageKind;
  brief: string;
  voice: BrandVoice;
  sample: MemberContext;
  count: number;
}): { system: string; user: string } {
  return {
    system: `You write loyalty-program emails for the shop "${input.shopName}". ${voiceText(input.voice)}
Write ${input.count} different variants, each a subject line (at most ${SUBJECT_MAX} characters) and a message body (at most ${BODY_MAX} characters, short paragraphs separated by a blank line, starting with a greeting and ending with a sign-off from the shop).
${RULES}`,
    user: `Message: ${MESSAGE_KINDS[input.kind]}.
Merchant's brief: ${input.brief.trim() || "(none: write the usual message of this kind)"}
A typical recipient: ${contextText(input.sample)}.`,
  };
}

export function linePrompt(input: {
  shopName: string;
  kind: MessageKind;
  voice: BrandVoice;
  subject: string;
  context: MemberContext;
}): { system: string; user: string } {
  return {
    system: `You add one short personal line (at most ${LINE_MAX} characters, one or two sentences) to a loyalty email from "${input.shopName}", written for the recipient's situation. ${voiceText(input.voice)}
${RULES}`,
    user: `Message: ${MESSAGE_KINDS[input.kind]}; subject "${input.subject}".
The recipient: ${contextText({ ...input.context, firstName: null })}.`,
  };
}
