import { applyOverrides, InvalidOverride } from "~/loyalty/member-program";
import type { Program } from "~/loyalty/program";

// The program levers an experiment may test, and which parts of the program each one's
// override may change. Experiments on one lever share its layer (assignment.ts). A lever
// may name its natural exposure trigger: the event that happens alike in every arm (widget
// copy's is the first logged-in storefront view; the messages lever's the first message a
// campaign would send, holdout included).

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
  },
  bonuses: { label: "Bonus campaigns", paths: ["earning.bonuses", "earning.campaigns"] },
  rewards: { label: "Rewards: the set, their cost and value", paths: ["rewards"] },
  tiers: { label: "Tier thresholds and multipliers", paths: ["tiers"] },
  expiry: { label: "Expiry window", paths: ["expiry"] },
  messages: { label: "Message copy", paths: ["messages"], exposure: "message" },
  widgetCopy: { label: "Storefront widget copy", paths: ["widgetCopy"], exposure: "storefront" },
} as const satisfies Record<
  string,
  { label: string; paths: readonly string[]; exposure?: "storefront" | "message" }
>;

export type Lever = keyof typeof LEVERS;
export const LEVER_KEYS = Object.keys(LEVERS) as [Lever, ...Lever[]];

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
