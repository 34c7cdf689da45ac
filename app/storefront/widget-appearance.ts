import { z } from "zod";

// How the storefront widget looks, set on /app/widget and stored in the shop's app-owned
// metafield `$app.widget` (JSON), which the theme app extension's Liquid reads
// (extensions/loyalty-widget/snippets/loyalty-settings.liquid). Only the app can write an
// `$app` metafield, so nothing else controls what the storefront renders from it.

const hex = (fallback: string) =>
  z
    .string({ error: "Enter a colour such as #1f4ed8." })
    .trim()
    .toLowerCase()
    .regex(/^#[0-9a-f]{6}$/, { error: "Enter a colour such as #1f4ed8." })
    .default(fallback);

export const LAUNCHER_ICONS = ["gift", "star", "heart", "crown", "none"] as const;
export const POSITIONS = ["bottom-right", "bottom-left"] as const;
export const DEFAULT_PROXY_PATH = "/apps/loyalty";

export const widgetAppearanceSchema = z
  .object({
    accentColor: hex("#1f4ed8"),
    accentTextColor: hex("#ffffff"),
    backgroundColor: hex("#ffffff"),
    textColor: hex("#1a1a1a"),
    /** Empty: the launcher's translated default ("Rewards"). */
    launcherText: z.string().trim().max(30, { error: "At most 30 characters." }).default(""),
    launcherIcon: z.enum(LAUNCHER_ICONS, { error: "Choose an icon." }).default("gift"),
    position: z.enum(POSITIONS, { error: "Choose bottom right or bottom left." }).default("bottom-right"),
    // Merchants may change the app proxy's prefix and subpath in Shopify admin; the widget
    // calls whatever this says (Shopify allows the prefixes apps, a, community and tools).
    proxyPath: z
      .string()
      .trim()
      .regex(/^\/(apps|a|community|tools)\/[a-z0-9][a-z0-9-]{0,29}$/, {
        error: "Use the app proxy's prefix and subpath, such as /apps/loyalty.",
      })
      .default(DEFAULT_PROXY_PATH),
  })
  .superRefine((a, ctx) => {
    // WCAG 2.1 AA for normal text: 4.5:1.
    const pairs = [
      ["accentTextColor", a.accentTextColor, a.accentColor, "on the accent colour"],
      ["textColor", a.textColor, a.backgroundColor, "on the background"],
    ] as const;
    for (const [field, fg, bg, where] of pairs) {
      const ratio = contrastRatio(fg, bg);
      if (ratio < 4.5)
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `Contrast ${ratio.toFixed(1)}:1 ${where} is too low to read; it needs at least 4.5:1.`,
        });
    }
  });

export type WidgetAppearance = z.output<typeof widgetAppearanceSchema>;
export const DEFAULT_APPEARANCE: WidgetAppearance = widgetAppearanceSchema.parse({});

function luminance(hexColour: string): number {
  const channel = (i: number) => {
    const c = parseInt(hexColour.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two #rrggbb colours, 1..21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The stored value, or the defaults when it is missing or unreadable (an older or hand-edited value). */
export function readAppearance(stored: string | null | undefined): WidgetAppearance {
  if (!stored) return DEFAULT_APPEARANCE;
  try {
    const parsed = widgetAppearanceSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : DEFAULT_APPEARANCE;
  } catch {
    return DEFAULT_APPEARANCE;
  }
}
