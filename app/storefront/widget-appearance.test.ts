import { describe, expect, it } from "vitest";
import {
  contrastRatio,
  DEFAULT_APPEARANCE,
  readAppearance,
  widgetAppearanceSchema,
} from "./widget-appearance";

describe("contrastRatio (WCAG 2.1)", () => {
  it.each([
    ["#000000", "#ffffff", 21],
    ["#ffffff", "#ffffff", 1],
    ["#767676", "#ffffff", 4.54], // the lightest grey that passes AA on white
    ["#777777", "#ffffff", 4.48],
    ["#1f4ed8", "#ffffff", 6.69], // the default accent (python3 check: 6.6888)
  ])("%s on %s is %s:1, either way round", (a, b, ratio) => {
    expect(contrastRatio(a, b)).toBeCloseTo(ratio, 2);
    expect(contrastRatio(b, a)).toBeCloseTo(ratio, 2);
  });
});

describe("widgetAppearanceSchema", () => {
  it("has readable defaults and normalises colours to lower case", () => {
    expect(DEFAULT_APPEARANCE).toMatchObject({ position: "bottom-right", proxyPath: "/apps/loyalty" });
    expect(widgetAppearanceSchema.parse({ accentColor: "#1F4ED8" }).accentColor).toBe("#1f4ed8");
  });

  it("refuses text that fails AA on its background, and names the pair", () => {
    const result = widgetAppearanceSchema.safeParse({ backgroundColor: "#ffffff", textColor: "#777777" });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["textColor", "Contrast 4.5:1 on the background is too low to read; it needs at least 4.5:1."],
    ]);
  });

  it.each(["/apps/loyalty", "/a/club", "/tools/points-2", "/community/vip"])(
    "accepts the proxy path %s",
    (p) => {
      expect(widgetAppearanceSchema.safeParse({ proxyPath: p }).success).toBe(true);
    },
  );

  it.each([
    "apps/loyalty",
    "/shop/loyalty",
    "/apps/",
    "/apps/Loyalty",
    "/apps/loyalty/x",
    "javascript:alert(1)",
  ])("refuses the proxy path %s", (p) => {
    expect(widgetAppearanceSchema.safeParse({ proxyPath: p }).success).toBe(false);
  });

  it("reads a missing, unreadable or invalid stored value as the defaults", () => {
    expect(readAppearance(null)).toEqual(DEFAULT_APPEARANCE);
    expect(readAppearance("{nope")).toEqual(DEFAULT_APPEARANCE);
    expect(readAppearance(JSON.stringify({ accentColor: "red" }))).toEqual(DEFAULT_APPEARANCE);
    expect(readAppearance(JSON.stringify({ launcherIcon: "star" })).launcherIcon).toBe("star");
  });
});
