import { SEGMENT_LABELS, type Segment } from "~/intelligence/segments/segments";

// What a contextual bandit can allocate by (ADR 0044): a member's context is read
// before they are assigned, from what the app already holds about them, and recorded with
// their exposure. Context keys: "tier:<tierId>", "new" / "returning", "rfm:<segment>"
// ("rfm:champions", …), "persona:<cluster index>".

export const BANDIT_CONTEXTS = ["tier", "newVsReturning", "rfm", "persona"] as const;
export type BanditContext = (typeof BANDIT_CONTEXTS)[number];

export const isBanditContext = (value: unknown): value is BanditContext =>
  typeof value === "string" && (BANDIT_CONTEXTS as readonly string[]).includes(value);

export const BANDIT_CONTEXT_LABELS: Record<BanditContext, { label: string; helpText: string }> = {
  tier: {
    label: "Tier",
    helpText: "Each tier gets its own allocation (new members start in the entry tier).",
  },
  newVsReturning: {
    label: "New vs returning",
    helpText: "Members with no order before they entered the experiment, and members with one.",
  },
  rfm: {
    label: "RFM segment",
    helpText:
      "The Insights RFM segments (champions, at risk, …); members not yet scored use the overall allocation.",
  },
  persona: {
    label: "Persona",
    helpText: "The Insights customer clusters; members not yet clustered use the overall allocation.",
  },
};

/** The merchant's name for a context key; `names` holds tier and persona names where known. */
export function contextLabel(key: string, names: Readonly<Record<string, string>> = {}): string {
  if (names[key]) return names[key]!;
  if (key === "new") return "New members";
  if (key === "returning") return "Returning members";
  if (key.startsWith("tier:")) return `Tier ${key.slice(5)}`;
  if (key.startsWith("persona:")) return `Persona ${Number(key.slice(8)) + 1}`;
  if (key.startsWith("rfm:")) return SEGMENT_LABELS[key.slice(4) as Segment] ?? key.slice(4);
  return key;
}
