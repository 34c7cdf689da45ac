import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import type { Program } from "~/loyalty/program";
import { currentProgramVersion, type ProgramVersionInfo } from "~/loyalty/services/program.server";
import { storedTierPerks } from "~/shopify/perk-discount.server";
import { WIDGET_SEEN_SETTING } from "~/storefront/widget-seen.server";

// The new install's checklist on the dashboard: the four things that make the program
// real for customers, each checked from what the app knows (no Shopify call, so the
// dashboard stays fast). Shown until every step is done or the merchant dismisses it.
//
// Whether the widget is embedded: Shopify's Admin API says which app embeds a theme has
// on only through the theme's settings_data.json, which the emulator does not serve, so
// the app counts the widget as live once a storefront has called the app proxy with it
// (app/storefront/widget-seen.server.ts records the first call per hour).

export const ONBOARDING_DISMISSED_SETTING = "onboardingDismissedAt";

export interface OnboardingStep {
  id: "program" | "widget" | "perks" | "notices";
  title: string;
  done: boolean;
  detail: string;
  action: { label: string; url: string; external?: boolean } | null;
}

const settingsSchema = z
  .object({
    [WIDGET_SEEN_SETTING]: z.string().optional().catch(undefined),
    [ONBOARDING_DISMISSED_SETTING]: z.string().optional().catch(undefined),
  })
  .catch({});

const hasPerks = (program: Program) =>
  program.tiers.levels.some((l) => l.benefits.perkPercent > 0 || l.benefits.freeShipping);

export async function loadOnboarding(
  db: PrismaClient,
  shop: string,
  apiKey: string,
  liveProgram: Promise<ProgramVersionInfo> = currentProgramVersion(db, shop),
) {
  const [shopRow, edited, live, perks] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { settings: true } }),
    db.programVersion.findFirst({ where: { shop, version: { gt: 1 } }, select: { version: true } }),
    liveProgram,
    storedTierPerks(db, shop),
  ]);
  const settings = settingsSchema.parse(shopRow?.settings ?? {});
  const { program } = live;
  const perksNeeded = hasPerks(program);
  const perksLive = perks.discountId !== null && perks.programVersion === live.version;
  const expiry = program.expiry;
  const notice = expiry.policy === "none" ? null : expiry.noticeDays;
  const steps: OnboardingStep[] = [
    {
      id: "program",
      title: "Set up your program",
      done: edited !== null,
      detail: edited
        ? "Your earning rules, rewards and tiers are saved."
        : "The program runs on the defaults. Choose how members earn and what they can redeem.",
      action: edited ? null : { label: "Edit the program", url: "/app/program" },
    },
    {
      id: "widget",
      title: "Add the loyalty widget to your theme",
      done: settings[WIDGET_SEEN_SETTING] !== undefined,
      detail:
        settings[WIDGET_SEEN_SETTING] !== undefined
          ? "Your storefront shows the widget: shoppers can see their points and redeem."
          : "Turn on the Loyalty widget app embed in the theme editor, then open your store once.",
      action:
        settings[WIDGET_SEEN_SETTING] !== undefined
          ? null
          : {
              label: "Open the theme editor",
              url: `shopify://admin/themes/current/editor?context=apps&activateAppId=${apiKey}/loyalty-launcher`,
              external: true,
            },
    },
    {
      id: "perks",
      title: "Make tier perks live at checkout",
      done: !perksNeeded || perksLive,
      detail: !perksNeeded
        ? "Your tiers give no checkout discount, so there is nothing to turn on."
        : perksLive
          ? "The tier-perk discount runs with your current tiers."
          : perks.discountId === null
            ? "Your tiers promise a discount, but no discount applies it at checkout yet."
            : "The tier-perk discount runs with older tiers than the ones you saved.",
      action: !perksNeeded || perksLive ? null : { label: "Set up tier perks", url: "/app/perks" },
    },
    {
      id: "notices",
      title: "Warn members before points expire",
      done: notice !== 0,
      detail:
        notice === null
          ? "Points never expire, so there is nothing to warn about."
          : notice > 0
            ? `Members are due a reminder ${notice} days before their points expire.`
            : "Points expire with no reminder first. Set a notice period in the program's expiry settings.",
      action: notice === 0 ? { label: "Edit expiry", url: "/app/program" } : null,
    },
  ];
  const done = steps.filter((s) => s.done).length;
  return {
    show: done < steps.length && settings[ONBOARDING_DISMISSED_SETTING] === undefined,
    done,
    steps,
  };
}

export type Onboarding = Awaited<ReturnType<typeof loadOnboarding>>;

/** Hides the checklist for good (the dashboard's "Dismiss"). */
export async function dismissOnboarding(db: PrismaClient, shop: string, now: Date): Promise<void> {
  const json = JSON.stringify({ [ONBOARDING_DISMISSED_SETTING]: now.toISOString() });
  await db.$executeRaw`
    UPDATE "Shop" SET "settings" = COALESCE("settings", '{}'::jsonb) || ${json}::jsonb, "updatedAt" = now()
    WHERE "domain" = ${shop}`;
}
