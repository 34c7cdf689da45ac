import type { PrismaClient } from "~/db.server";
import { enqueueTierPerkSync } from "~/jobs/producers.server";
import { logger } from "~/logger.server";
import type { Program } from "~/loyalty/program";
import type { SaveIssue } from "~/loyalty/program-rewards";
import { shopPrograms } from "~/loyalty/services/member-program.server";
import { tierPerkConfigFor, tierPerkConfigTooLarge, type TierPerkSettings } from "~/loyalty/tier-perks";
import type { AdminGraphql } from "~/shopify/graphql.server";
import {
  loadPerksPage,
  storedTierPerks,
  tiersHavePerks,
  type PerkDiscountState,
} from "~/shopify/perk-discount.server";

// Tier perks from where the tiers are set: the save refuses tiers whose perk config would
// not fit the function's metafield, queues the discount's update after a save, and the page
// says whether the perks are live at checkout and, when not, why.

/** The save's check: the perk config the saved tiers make (with the programs experiments add) fits. */
export async function perkConfigCheck(
  db: PrismaClient,
  shop: string,
  now: Date,
): Promise<(program: Program) => SaveIssue[]> {
  const [{ all }, stored] = await Promise.all([shopPrograms(db, shop, now), storedTierPerks(db, shop)]);
  return (program) => {
    const programs = [{ ...all[0]!, program }, ...all.slice(1)];
    const tooLarge = tierPerkConfigTooLarge(tierPerkConfigFor(programs, stored.settings as TierPerkSettings));
    return tooLarge ? [{ path: ["tiers", "levels"], message: tooLarge }] : [];
  };
}

/**
 * After a save: the discount follows the tiers through the shopify-sync queue when a tier
 * has a perk or a discount exists. Returns why it could not be queued, or null.
 */
export async function queuePerkSync(db: PrismaClient, shop: string, now: Date): Promise<string | null> {
  const [{ all }, stored] = await Promise.all([shopPrograms(db, shop, now), storedTierPerks(db, shop)]);
  if (!stored.discountId && !tiersHavePerks(all)) return null;
  try {
    await enqueueTierPerkSync(shop);
    return null;
  } catch (error) {
    logger().warn({ err: error, shop }, "Could not queue the tier-perk discount update");
    return "The update of the checkout discount could not be queued (the job queue is unreachable).";
  }
}

export interface PerkStatus {
  /** Some tier gives a perk (percentage off or free shipping). */
  hasPerks: boolean;
  state: PerkDiscountState | "unknown";
  live: boolean;
  /** Why the perks are not live, in the merchant's words; null when they are or there are none. */
  reason: string | null;
}

/** Whether the tiers' perks are what checkout gives now, asked of Shopify. */
export async function perkStatus(
  db: PrismaClient,
  graphql: AdminGraphql,
  shop: string,
  now: Date,
): Promise<PerkStatus> {
  const { all } = await shopPrograms(db, shop, now);
  const hasPerks = tiersHavePerks(all);
  let page: Awaited<ReturnType<typeof loadPerksPage>>;
  try {
    page = await loadPerksPage(db, graphql, shop, all);
  } catch (error) {
    logger().warn({ err: error, shop }, "Could not read the tier-perk discount");
    return {
      hasPerks,
      state: "unknown",
      live: false,
      reason: "Shopify could not be reached to check the checkout discount. Reload to try again.",
    };
  }
  const live = page.state === "active";
  if (!hasPerks) return { hasPerks, state: page.state, live, reason: null };
  const tooLarge = tierPerkConfigTooLarge(page.config);
  const reason = live
    ? null
    : page.lastError
      ? `The last update was refused: ${page.lastError}`
      : tooLarge
        ? tooLarge
        : page.state === "inactive"
          ? "The discount is scheduled or has ended in Shopify; reactivate it under Discounts."
          : page.state === "missing"
            ? "The checkout discount does not exist yet. It is created in the background after you save the tiers; use Update now if it does not appear within a minute."
            : "The checkout discount still has the previous tiers. It is updated in the background after you save; use Update now if it stays out of date.";
  return { hasPerks, state: page.state, live, reason };
}
