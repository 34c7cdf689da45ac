import { previewEarning } from "~/loyalty/earning-preview";
import { applyOverrides, InvalidOverride } from "~/loyalty/member-program";
import type { Program } from "~/loyalty/program";
import type { ExperimentDraft } from "./form";
import { overrideOf } from "./form";

// The create flow's side-by-side preview: what a typical member earns under each variant,
// from the live program merged with the variant's override (the same applyOverrides the
// crediting paths use) and the same arithmetic as checkout (earning-preview.ts).

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
    }
  | { ok: false; name: string; problem: string };

function expiryText(program: Program): string {
  if (program.expiry.policy === "none") return "Points never expire";
  return program.expiry.policy === "inactivity"
    ? `Expire after ${program.expiry.days} days without activity`
    : `Expire ${program.expiry.days} days after they become spendable`;
}

export function previewVariants(
  draft: ExperimentDraft,
  live: Program,
  typicalOrderMinor: number,
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
    };
  });
}
