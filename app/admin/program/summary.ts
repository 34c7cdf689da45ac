import { minorUnitsPerMajor } from "~/loyalty/money";
import type { ProgramDraft } from "./form";
import { moneyFormatter } from "./money-format";
import type { SectionKey } from "./sections";

// One line per section for the program overview, in the merchant's words.

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const WINDOW = {
  lifetime: "lifetime",
  rolling12m: "rolling 12 months",
  calendarYear: "calendar year",
} as const;

export function sectionSummary(section: SectionKey, draft: ProgramDraft): string {
  switch (section) {
    case "earning": {
      const e = draft.earning;
      const extras = [
        Number(e.signupBonus) > 0 ? `${e.signupBonus} for joining` : null,
        e.multipliers.length ? plural(e.multipliers.length, "product multiplier") : null,
        e.campaigns.length ? plural(e.campaigns.length, "campaign") : null,
      ].filter(Boolean);
      const unit = moneyFormatter(draft.currency, 0)(minorUnitsPerMajor(draft.currency));
      const rate = `${e.pointsPerCurrencyUnit} ${e.pointsPerCurrencyUnit.trim() === "1" ? "point" : "points"} per ${unit}`;
      return [rate, ...extras].join(" · ");
    }
    case "rewards": {
      const active = draft.rewards.filter((r) => r.active).length;
      return draft.rewards.length
        ? `${plural(draft.rewards.length, "reward")}, ${active} active`
        : "No rewards yet: members have nothing to spend points on";
    }
    case "tiers": {
      const t = draft.tiers;
      if (!t.levels.length) return "No tiers";
      const perks = t.levels.filter((l) => Number(l.perkPercent) > 0 || l.freeShipping).length;
      return [
        `${plural(t.levels.length, "tier")} by ${t.basis}, ${WINDOW[t.window as keyof typeof WINDOW] ?? t.window}`,
        perks ? `${plural(perks, "tier")} with a checkout perk` : null,
      ]
        .filter(Boolean)
        .join(" · ");
    }
    case "policies": {
      const x = draft.expiry;
      const expiry =
        x.policy === "none"
          ? "Points never expire"
          : x.policy === "inactivity"
            ? `Points expire after ${x.days} days without activity`
            : `Points expire ${x.days} days after they become spendable`;
      return `${expiry} · ${draft.membership.enrollment === "optIn" ? "members opt in" : "customers join automatically"}`;
    }
  }
}
