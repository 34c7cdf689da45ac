import { minorUnitsPerMajor } from "./money";
import type { Program } from "./program";
import { roundPoints, snap } from "./rounding";

/**
 * The admin's live preview: points for a plain order of `amountMinor` merchandise with no
 * product multipliers or campaigns, optionally for a member of `tierId`. Uses the same
 * arithmetic as `pointsForOrder`, so the preview never promises what checkout won't credit.
 */
export function previewEarning(amountMinor: number, program: Program, tierId?: string | null): number {
  if (!Number.isFinite(amountMinor) || amountMinor <= 0) return 0;
  const tier = program.tiers.levels.find((l) => l.id === tierId);
  const perMinor = program.earning.pointsPerCurrencyUnit / minorUnitsPerMajor(program.currency);
  const exact = snap(Math.trunc(amountMinor) * perMinor * (tier?.benefits.earnMultiplier ?? 1));
  return Math.max(0, roundPoints(exact, program.earning.rounding));
}

/** "An order of $80.00 earns 160 points." in the admin's locale. */
export function previewEarningText(
  amountMinor: number,
  program: Program,
  locale = "en",
  tierId?: string | null,
): string {
  const points = previewEarning(amountMinor, program, tierId);
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: program.currency }).format(
    amountMinor / minorUnitsPerMajor(program.currency),
  );
  const count = new Intl.NumberFormat(locale).format(points);
  const tier = program.tiers.levels.find((l) => l.id === tierId);
  return `An order of ${money} earns ${count} ${points === 1 ? "point" : "points"}${tier ? ` for ${tier.name} members` : ""}.`;
}
