import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import type { MemberProgram } from "~/loyalty/member-program";
import {
  discountClassesFor,
  TIER_PERK_CONFIG_METAFIELD,
  TIER_PERK_FUNCTION_HANDLE,
  tierPerkConfigFor,
  tierPerkConfigSchema,
  tierPerkConfigTooLarge,
  type DiscountClassName,
  type TierPerkConfig,
  type TierPerkSettings,
} from "~/loyalty/tier-perks";
import { runGraphql, ShopifyUserError, type AdminGraphql } from "./graphql.server";

// The one automatic app discount that gives members their tier perk at checkout
// (extensions/tier-perk-discount). Created once with the function's handle; afterwards
// updated in place whenever the program's tiers or the perk settings change. The shop
// row remembers the discount id and the merchant's perk settings (Shop.settings.tierPerks).
// The caller resolves the programs in play (loyalty's `shopPrograms`): the live one first,
// then those of experiment variants, whose own tier perks the one config also carries.

export const TIER_PERK_DISCOUNT_TITLE = "Loyalty tier perks";

/** Whether the automatic discount exists in Shopify and runs with what the program says now. */
export type PerkDiscountState = "missing" | "active" | "outOfDate" | "inactive";

const storedSchema = z.object({
  discountId: z.string().nullable().default(null),
  settings: z.record(z.string(), z.unknown()).default({}),
  programVersion: z.int().nullable().default(null),
  syncedAt: z.string().nullable().default(null),
  /** Why the last automatic update (after a tiers save) did not reach Shopify, until one does. */
  lastError: z.string().nullable().default(null),
  lastErrorAt: z.string().nullable().default(null),
});
export type StoredTierPerks = z.output<typeof storedSchema>;

export interface PerkDiscount {
  id: string;
  title: string;
  status: "ACTIVE" | "EXPIRED" | "SCHEDULED";
  discountClasses: DiscountClassName[];
  combinesWith: TierPerkConfig["combinesWith"];
  metafieldId: string | null;
  /** The config the function runs with now, or null when the metafield is missing or unreadable. */
  config: TierPerkConfig | null;
}

const NODE = `#graphql
  query TierPerkDiscount($id: ID!, $namespace: String!, $key: String!) {
    automaticDiscountNode(id: $id) {
      id
      automaticDiscount {
        __typename
        ... on DiscountAutomaticApp {
          title
          status
          discountClasses
          combinesWith { productDiscounts orderDiscounts shippingDiscounts }
        }
      }
      metafield(namespace: $namespace, key: $key) { id value }
    }
  }`;

type NodeData = {
  automaticDiscountNode: {
    id: string;
    automaticDiscount: {
      __typename: string;
      title?: string;
      status?: PerkDiscount["status"];
      discountClasses?: DiscountClassName[];
      combinesWith?: TierPerkConfig["combinesWith"];
    };
    metafield: { id: string; value: string } | null;
  } | null;
};

const PAYLOAD = `automaticAppDiscount { discountId } userErrors { field message }`;
const CREATE = `#graphql
  mutation TierPerkDiscountCreate($input: DiscountAutomaticAppInput!) {
    discountAutomaticAppCreate(automaticAppDiscount: $input) { ${PAYLOAD} }
  }`;
const UPDATE = `#graphql
  mutation TierPerkDiscountUpdate($id: ID!, $input: DiscountAutomaticAppInput!) {
    discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $input) { ${PAYLOAD} }
  }`;

type Payload = {
  automaticAppDiscount: { discountId: string } | null;
  userErrors: Array<{ field?: string[] | null; message: string }>;
};

export async function storedTierPerks(db: PrismaClient, shop: string): Promise<StoredTierPerks> {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { settings: true } });
  const raw = (row?.settings as { tierPerks?: unknown } | null)?.tierPerks ?? {};
  const parsed = storedSchema.safeParse(raw);
  return parsed.success ? parsed.data : storedSchema.parse({});
}

async function storeTierPerks(db: PrismaClient, shop: string, value: StoredTierPerks): Promise<void> {
  // Merge into the shop's settings so other keys written meanwhile survive.
  const json = JSON.stringify({ tierPerks: value });
  await db.$executeRaw`
    UPDATE "Shop" SET "settings" = COALESCE("settings", '{}'::jsonb) || ${json}::jsonb, "updatedAt" = now()
    WHERE "domain" = ${shop}`;
}

export async function loadPerkDiscount(graphql: AdminGraphql, id: string): Promise<PerkDiscount | null> {
  const data = await runGraphql<NodeData>(graphql, "TierPerkDiscount", NODE, {
    id,
    ...TIER_PERK_CONFIG_METAFIELD,
  });
  const node = data.automaticDiscountNode;
  if (!node || node.automaticDiscount.__typename !== "DiscountAutomaticApp") return null;
  let config: TierPerkConfig | null = null;
  if (node.metafield) {
    try {
      const parsed = tierPerkConfigSchema.safeParse(JSON.parse(node.metafield.value));
      config = parsed.success ? parsed.data : null;
    } catch {
      config = null;
    }
  }
  const d = node.automaticDiscount;
  return {
    id: node.id,
    title: d.title ?? TIER_PERK_DISCOUNT_TITLE,
    status: d.status ?? "ACTIVE",
    discountClasses: d.discountClasses ?? [],
    combinesWith: d.combinesWith ?? {
      productDiscounts: false,
      orderDiscounts: false,
      shippingDiscounts: false,
    },
    metafieldId: node.metafield?.id ?? null,
    config,
  };
}

/** The config would exceed what a Shopify Function reads from a metafield; nothing was written. */
export class PerkConfigTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PerkConfigTooLarge";
  }
}

export interface SyncResult {
  action: "created" | "updated";
  discount: PerkDiscount;
  config: TierPerkConfig;
}

/**
 * Creates the tier-perk discount, or updates the existing one, from the tiers of `programs`
 * and `settings` (default: the ones saved last time). Throws ShopifyUserError when
 * Shopify refuses, and the zod error when the settings are invalid; nothing is stored then.
 */
export async function syncTierPerkDiscount(
  db: PrismaClient,
  graphql: AdminGraphql,
  shop: string,
  programs: readonly MemberProgram[],
  options: { settings?: TierPerkSettings; now?: Date } = {},
): Promise<SyncResult> {
  const stored = await storedTierPerks(db, shop);
  const settings = options.settings ?? (stored.settings as TierPerkSettings);
  const config = tierPerkConfigFor(programs, settings);
  const tooLarge = tierPerkConfigTooLarge(config);
  if (tooLarge) throw new PerkConfigTooLarge(tooLarge);
  const existing = stored.discountId ? await loadPerkDiscount(graphql, stored.discountId) : null;
  const metafield = {
    ...(existing?.metafieldId
      ? { id: existing.metafieldId }
      : { namespace: TIER_PERK_CONFIG_METAFIELD.namespace, key: TIER_PERK_CONFIG_METAFIELD.key }),
    type: "json",
    value: JSON.stringify(config),
  };
  const common = {
    discountClasses: discountClassesFor(config),
    combinesWith: config.combinesWith,
    metafields: [metafield],
  };
  let payload: Payload;
  if (existing) {
    const data = await runGraphql<{ discountAutomaticAppUpdate: Payload }>(
      graphql,
      "TierPerkDiscountUpdate",
      UPDATE,
      { id: existing.id, input: common },
    );
    payload = data.discountAutomaticAppUpdate;
  } else {
    const input = {
      ...common,
      title: TIER_PERK_DISCOUNT_TITLE,
      functionHandle: TIER_PERK_FUNCTION_HANDLE,
      startsAt: (options.now ?? new Date()).toISOString(),
    };
    const data = await runGraphql<{ discountAutomaticAppCreate: Payload }>(
      graphql,
      "TierPerkDiscountCreate",
      CREATE,
      { input },
    );
    payload = data.discountAutomaticAppCreate;
  }
  const operation = existing ? "discountAutomaticAppUpdate" : "discountAutomaticAppCreate";
  if (payload.userErrors.length || !payload.automaticAppDiscount)
    throw new ShopifyUserError(
      operation,
      payload.userErrors.length ? payload.userErrors : [{ message: "no discount returned" }],
    );
  const discount = await loadPerkDiscount(graphql, payload.automaticAppDiscount.discountId);
  if (!discount)
    throw new Error(
      `${operation}: the discount ${payload.automaticAppDiscount.discountId} cannot be read back`,
    );
  await storeTierPerks(db, shop, {
    discountId: discount.id,
    settings: settings as Record<string, unknown>,
    programVersion: programs[0]!.version,
    syncedAt: (options.now ?? new Date()).toISOString(),
    lastError: null,
    lastErrorAt: null,
  });
  return { action: existing ? "updated" : "created", discount, config };
}

/** Whether any tier of the programs in play gives a perk at checkout. */
export function tiersHavePerks(programs: readonly MemberProgram[]): boolean {
  return programs.some((p) =>
    p.program.tiers.levels.some((l) => l.benefits.perkPercent > 0 || l.benefits.freeShipping),
  );
}

/**
 * The job after a tiers save: creates or updates the discount when a tier has a perk (or
 * a discount exists, whose perks must follow the tiers down to none). A refusal by Shopify
 * or an oversized config is stored with the perks for the tiers page and returned as
 * `failed`; anything else (Shopify unreachable) throws, so the job retries.
 */
export async function syncTierPerksForTiers(
  db: PrismaClient,
  graphql: AdminGraphql,
  shop: string,
  programs: readonly MemberProgram[],
  now = new Date(),
): Promise<{ action: SyncResult["action"] | "skipped"; failed: string | null }> {
  const stored = await storedTierPerks(db, shop);
  if (!stored.discountId && !tiersHavePerks(programs)) return { action: "skipped", failed: null };
  try {
    const result = await syncTierPerkDiscount(db, graphql, shop, programs, { now });
    return { action: result.action, failed: null };
  } catch (error) {
    if (!(error instanceof ShopifyUserError || error instanceof PerkConfigTooLarge)) throw error;
    await storeTierPerks(db, shop, { ...stored, lastError: error.message, lastErrorAt: now.toISOString() });
    return { action: "skipped", failed: error.message };
  }
}

export interface PerksPage {
  currency: string;
  programVersion: number;
  settings: TierPerkSettings;
  /** The config the discount should run with (the tiers of the programs in play, saved settings). */
  config: TierPerkConfig;
  discountClasses: DiscountClassName[];
  discount: Omit<PerkDiscount, "config"> | null;
  state: PerkDiscountState;
  syncedAt: string | null;
  lastError: string | null;
}

/** Everything the Tier perks page shows: what the discount should be, what Shopify has, and whether they agree. */
export async function loadPerksPage(
  db: PrismaClient,
  graphql: AdminGraphql,
  shop: string,
  programs: readonly MemberProgram[],
): Promise<PerksPage> {
  const stored = await storedTierPerks(db, shop);
  const settings = stored.settings as TierPerkSettings;
  const { version, program } = programs[0]!;
  const config = tierPerkConfigFor(programs, settings);
  const discountClasses = discountClassesFor(config);
  const live = stored.discountId ? await loadPerkDiscount(graphql, stored.discountId) : null;
  let state: PerkDiscountState = "missing";
  if (live) {
    const same =
      JSON.stringify(live.config) === JSON.stringify(config) &&
      [...live.discountClasses].sort().join() === [...discountClasses].sort().join();
    state = live.status !== "ACTIVE" ? "inactive" : same ? "active" : "outOfDate";
  }
  const discount = live && {
    id: live.id,
    title: live.title,
    status: live.status,
    discountClasses: live.discountClasses,
    combinesWith: live.combinesWith,
    metafieldId: live.metafieldId,
  };
  return {
    currency: program.currency,
    programVersion: version,
    settings,
    config,
    discountClasses,
    discount,
    state,
    syncedAt: stored.syncedAt,
    lastError: stored.lastError,
  };
}
