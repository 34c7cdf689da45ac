import { tierPerkConfigSchema, type TierPerkSettings } from "~/loyalty/tier-perks";

// The perk settings form: what the merchant chooses besides the tiers themselves (which
// come from the program). Shared by the page and its action, so both validate alike.

export interface PerkSettingsDraft {
  discountClass: "PRODUCT" | "ORDER";
  productDiscounts: boolean;
  orderDiscounts: boolean;
  shippingDiscounts: boolean;
  /** Comma-separated product tags that never get the perk. */
  excludedProductTags: string;
}

export function draftFromSettings(settings: TierPerkSettings): PerkSettingsDraft {
  return {
    discountClass: settings.discountClass === "ORDER" ? "ORDER" : "PRODUCT",
    productDiscounts: settings.combinesWith?.productDiscounts ?? false,
    orderDiscounts: settings.combinesWith?.orderDiscounts ?? false,
    shippingDiscounts: settings.combinesWith?.shippingDiscounts ?? false,
    excludedProductTags: (settings.excludedProductTags ?? []).join(", "),
  };
}

export type SettingsParse =
  { ok: true; settings: TierPerkSettings } | { ok: false; fieldErrors: Record<string, string> };

/** Form fields (strings; checkboxes "on" or absent) to perk settings, or field errors. */
export function settingsFromForm(form: Record<string, unknown>): SettingsParse {
  const flag = (name: string) => form[name] === "on" || form[name] === "true";
  const tags = String(form.excludedProductTags ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const settings: TierPerkSettings = {
    discountClass: form.discountClass as "PRODUCT" | "ORDER",
    combinesWith: {
      productDiscounts: flag("productDiscounts"),
      orderDiscounts: flag("orderDiscounts"),
      shippingDiscounts: flag("shippingDiscounts"),
    },
    excludedProductTags: tags,
  };
  const parsed = tierPerkConfigSchema.safeParse({ ...settings, version: 1, tiers: [] });
  if (parsed.success) return { ok: true, settings };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}
