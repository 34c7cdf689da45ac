import { applyOverrides, InvalidOverride } from "~/loyalty/member-program";
import type { Program } from "~/loyalty/program";

// The program levers an experiment may test, which parts of the program each one's
// override may change, and what may expose a member to it. Experiments on one lever share
// its layer (assignment.ts).

/**
 * What exposes a member (ADR 0020, amended). "assignment": every member of the audience, at
 * launch or when they join (the sweep), whatever they do afterwards: nothing a lever changes
 * can decide who is counted. "storefront" (the first logged-in widget view) and "message"
 * (the first message a campaign would send) only for a lever a member can perceive on that
 * one surface alone, where they make the analysis sharper and stay the same in every arm.
 */
export const EXPOSURE_TRIGGERS = ["assignment", "storefront", "message"] as const;
export type ExposureTrigger = (typeof EXPOSURE_TRIGGERS)[number];

export const LEVERS = {
  earnRate: {
    label: "Earn rate",
    paths: [
      "earning.pointsPerCurrencyUnit",
      "earning.multipliers",
      "earning.rounding",
      "earning.includeShipping",
      "earning.includeTax",
    ],
    // Points show on orders, in the widget, in emails and at checkout: no single surface.
    triggers: ["assignment"],
  },
  bonuses: {
    label: "Bonus campaigns",
    paths: ["earning.bonuses", "earning.campaigns"],
    triggers: ["assignment"],
  },
  rewards: { label: "Rewards: the set, their cost and value", paths: ["rewards"], triggers: ["assignment"] },
  tiers: { label: "Tier thresholds and multipliers", paths: ["tiers"], triggers: ["assignment"] },
  expiry: { label: "Expiry window", paths: ["expiry"], triggers: ["assignment"] },
  // Message copy is read only in messages; until the campaigns send, assignment exposes.
  messages: { label: "Message copy", paths: ["messages"], triggers: ["assignment", "message"] },
  // Widget copy is read only in the storefront widget, at the first logged-in view.
  widgetCopy: {
    label: "Storefront widget copy",
    paths: ["widgetCopy"],
    triggers: ["storefront", "assignment"],
  },
} as const satisfies Record<
  string,
  {
    label: string;
    paths: readonly string[];
    /** The exposure triggers the lever allows; the first is its default. */
    triggers: readonly [ExposureTrigger, ...ExposureTrigger[]];
  }
>;

export type Lever = keyof typeof LEVERS;
export const LEVER_KEYS = Object.keys(LEVERS) as [Lever, ...Lever[]];

/** The lever's default exposure trigger. */
export const defaultTrigger = (lever: Lever): ExposureTrigger => LEVERS[lever].triggers[0];

/** Whether `trigger` may expose members to an experiment on `lever`. */
export const triggerAllowed = (lever: Lever, trigger: ExposureTrigger): boolean =>
  (LEVERS[lever].triggers as readonly ExposureTrigger[]).includes(trigger);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Paths of the override that the lever may not change (dotted). */
function outsideLever(lever: Lever, patch: Record<string, unknown>, prefix = ""): string[] {
  const allowed: readonly string[] = LEVERS[lever].paths;
  const out: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (allowed.some((a) => path === a || path.startsWith(`${a}.`))) continue;
    if (isObject(value) && allowed.some((a) => a.startsWith(`${path}.`)))
      out.push(...outsideLever(lever, value, path));
    else out.push(path);
  }
  return out;
}

/**
 * Field errors for one variant's override on `lever` against the live program, keyed by
 * dotted path: paths the lever does not own, then what the program schema says about the
 * merged result (ADR 0018's `applyOverrides`). Empty when the variant is sound.
 */
export function overrideErrors(
  live: Program,
  lever: Lever,
  variantKey: string,
  patch: Record<string, unknown>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const path of outsideLever(lever, patch))
    errors[path] = `The ${LEVERS[lever].label.toLowerCase()} lever does not change this setting.`;
  if (Object.keys(errors).length) return errors;
  try {
    applyOverrides(live, [{ variantKey, patch }]);
  } catch (error) {
    if (!(error instanceof InvalidOverride)) throw error;
    for (const issue of error.issues) errors[issue.path || "_form"] ??= issue.message;
  }
  return errors;
}
