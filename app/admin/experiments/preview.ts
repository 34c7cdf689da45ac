import { pointsForOrder } from "~/loyalty/earning";
import { previewEarning } from "~/loyalty/earning-preview";
import { applyOverrides, InvalidOverride } from "~/loyalty/member-program";
import { renderMessage, type RenderedMessage } from "~/loyalty/messages";
import type { Program } from "~/loyalty/program";
import type { MessageKind } from "~/loyalty/program-messages";
import type { ExperimentDraft } from "./form";
import { overrideOf } from "./form";

// The create flow's side-by-side preview: what a typical member earns under each variant,
// from the live program merged with the variant's override (the same applyOverrides the
// crediting paths use) and the same arithmetic as checkout (earning-preview.ts,
// pointsForOrder for campaigns); on the messages lever, the message they would receive,
// rendered by the same renderMessage the campaigns send with.

/** Who the preview renders messages for, and when. */
export interface PreviewSample {
  shopName: string;
  timeZone: string | null;
  now: Date;
}

const SAMPLE_NAME = "Alex";
const DAY_MS = 86_400_000;

export type VariantPreview =
  | {
      ok: true;
      name: string;
      /** Points for the typical order, for a member without a tier and then per tier. */
      points: { tier: string | null; points: number }[];
      /** Typical orders until the cheapest active reward, or null without one. */
      ordersToReward: number | null;
      cheapestReward: string | null;
      expiry: string;
      /** Bonuses lever: points for the typical order placed as each campaign starts. */
      campaigns: { name: string; points: number }[];
      /** Messages lever: the draft's message kind, rendered for a sample member. */
      message: RenderedMessage | null;
    }
  | { ok: false; name: string; problem: string };

function expiryText(program: Program): string {
  if (program.expiry.policy === "none") return "Points never expire";
  return program.expiry.policy === "inactivity"
    ? `Expire after ${program.expiry.days} days without activity`
    : `Expire ${program.expiry.days} days after they become spendable`;
}

/** Points for the typical order placed as a campaign starts (every campaign live then counts). */
function campaignPoints(program: Program, typicalOrderMinor: number) {
  return program.earning.campaigns.map((c) => {
    const placedAt = new Date(c.startsAt);
    const order = {
      id: "preview",
      currency: program.currency,
      placedAt,
      shippingMinor: 0,
      taxMinor: 0,
      lines: [
        {
          id: "typical",
          productId: null,
          collectionIds: [],
          tags: [],
          quantity: 1,
          unitPriceMinor: Math.max(0, Math.trunc(typicalOrderMinor)),
          discountAllocationsMinor: [],
        },
      ],
    };
    const result = pointsForOrder(order, { tierId: null, previousOrderCount: 1 }, program, placedAt);
    return { name: c.name, points: result.points };
  });
}

/** A sample member's message of `kind` under the variant's program. */
function sampleMessage(
  program: Program,
  kind: MessageKind,
  earned: number,
  cheapest: Program["rewards"][number] | null,
  sample: PreviewSample,
): RenderedMessage {
  const balance = Math.max(earned * 3, cheapest?.pointsCost ?? 0);
  const values = {
    firstName: SAMPLE_NAME,
    shopName: sample.shopName,
    balance,
    points:
      kind === "rewardAvailable"
        ? (cheapest?.pointsCost ?? 0)
        : kind === "welcome"
          ? program.earning.bonuses.signup
          : earned,
    rewardName: cheapest?.name ?? "a reward",
    tierName: program.tiers.levels[0]?.name ?? "Gold",
    expiresOn: new Date(sample.now.getTime() + 30 * DAY_MS),
  };
  return renderMessage(program, kind, values, { timeZone: sample.timeZone ?? "UTC" });
}

export function previewVariants(
  draft: ExperimentDraft,
  live: Program,
  typicalOrderMinor: number,
  sample: PreviewSample,
): VariantPreview[] {
  return draft.variants.map((v) => {
    let program: Program;
    try {
      const patch = v.control ? {} : overrideOf(draft.lever, live, v.fields);
      program = applyOverrides(live, [{ variantKey: v.key || "variant", patch }]);
    } catch (error) {
      if (!(error instanceof InvalidOverride)) throw error;
      return {
        ok: false,
        name: v.name,
        problem: `Fix the fields to see the preview: ${error.issues[0]?.message ?? "invalid"}`,
      };
    }
    const base = previewEarning(typicalOrderMinor, program, null);
    const cheapest = program.rewards
      .filter((r) => r.active)
      .reduce<Program["rewards"][number] | null>((a, r) => (!a || r.pointsCost < a.pointsCost ? r : a), null);
    return {
      ok: true,
      name: v.name,
      points: [
        { tier: null, points: base },
        ...program.tiers.levels.map((l) => ({
          tier: l.name,
          points: previewEarning(typicalOrderMinor, program, l.id),
        })),
      ],
      ordersToReward: cheapest && base > 0 ? Math.ceil(cheapest.pointsCost / base) : null,
      cheapestReward: cheapest
        ? `${cheapest.name} (${cheapest.pointsCost.toLocaleString("en-US")} points)`
        : null,
      expiry: expiryText(program),
      campaigns: draft.lever === "bonuses" ? campaignPoints(program, typicalOrderMinor) : [],
      message:
        draft.lever === "messages" ? sampleMessage(program, draft.messageKind, base, cheapest, sample) : null,
    };
  });
}
