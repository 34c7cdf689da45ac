import type { PrismaClient } from "~/db.server";
import type { Member } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import type { MemberProgram, ShopPrograms } from "~/loyalty/member-program";
import type { Program } from "~/loyalty/program";
import { perkTierId } from "~/loyalty/tier-perks";
import { progressToNext } from "~/loyalty/tiers";
import { adminCall, waitForBucket, type ThrottleStatus } from "./admin-call.server";
import { customerGid } from "./discounts.server";
import type { AdminGraphql } from "./graphql.server";

// Member state on the Shopify customer, for the storefront widget, Liquid, Flow and the
// checkout function: app-owned metafields (namespace `$app`, declared in shopify.app.toml).
// Members whose balance or tier changed carry Member.metafieldsDirty; one sync per shop
// writes them in metafieldsSet calls of at most 25 metafields, pacing itself by the
// shop's leaky bucket, and clears the flag only where the member did not change meanwhile.
// Each member's values come from their own program, which the caller resolves (loyalty's
// `shopPrograms`): an experiment variant may name, space or perk the tiers differently.

export const METAFIELD_NAMESPACE = "$app";
export const METAFIELD_KEYS = { balance: "balance", tier: "tier", progress: "progress" } as const;
/** The `tier` value of a member below the first tier (a text metafield cannot be blank). */
export const NO_TIER = "none";
export const METAFIELDS_PER_CALL = 25;
const PER_MEMBER = Object.keys(METAFIELD_KEYS).length;
export const MEMBERS_PER_CALL = Math.floor(METAFIELDS_PER_CALL / PER_MEMBER);
const MUTATION_COST = 10;
const PAGE = 200;

export interface MetafieldInput {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface TierProgressValue {
  tierId: string | null;
  tierName: string | null;
  nextTierId: string | null;
  nextTierName: string | null;
  /** Basis units still needed (minor units, points or orders, see `basis`). */
  remaining: number;
  fraction: number;
  basis: Program["tiers"]["basis"];
}

/**
 * The three metafields of one member, as their program names its tiers. `tier` is the id the
 * checkout function finds the member's perk under (`perkTierId`, against the `live` tiers).
 */
export function memberMetafields(member: Member, resolved: MemberProgram, live: Program): MetafieldInput[] {
  if (resolved.heldOut) return heldOutMetafields(member);
  const { program } = resolved;
  const levels = program.tiers.levels;
  const progress = progressToNext(Number(member.tierValue), levels);
  const nameOf = (id: string | null) => levels.find((l) => l.id === id)?.name ?? null;
  const value: TierProgressValue = {
    tierId: member.tierId,
    tierName: nameOf(member.tierId),
    nextTierId: progress.nextTierId,
    nextTierName: nameOf(progress.nextTierId),
    remaining: progress.remaining,
    fraction: Math.round(progress.fraction * 10_000) / 10_000,
    basis: program.tiers.basis,
  };
  const ownerId = customerGid(member.customerId);
  const base = { ownerId, namespace: METAFIELD_NAMESPACE };
  return [
    { ...base, key: METAFIELD_KEYS.balance, type: "number_integer", value: String(member.availablePoints) },
    {
      ...base,
      key: METAFIELD_KEYS.tier,
      type: "single_line_text_field",
      value: member.tierId ? perkTierId(live.tiers, resolved, member.tierId) : NO_TIER,
    },
    { ...base, key: METAFIELD_KEYS.progress, type: "json", value: JSON.stringify(value) },
  ];
}

/**
 * A member in the program holdout gets no program: no balance, no tier (the perk function
 * gives nothing for "none"), and a progress value that tells the customer account block to
 * show nothing at all.
 */
function heldOutMetafields(member: Member): MetafieldInput[] {
  const base = { ownerId: customerGid(member.customerId), namespace: METAFIELD_NAMESPACE };
  return [
    { ...base, key: METAFIELD_KEYS.balance, type: "number_integer", value: "0" },
    { ...base, key: METAFIELD_KEYS.tier, type: "single_line_text_field", value: NO_TIER },
    { ...base, key: METAFIELD_KEYS.progress, type: "json", value: JSON.stringify({ noProgram: true }) },
  ];
}

const SET = `#graphql
  mutation LoyaltyMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { key }
      userErrors { field message code elementIndex }
    }
  }`;

type SetPayload = {
  metafieldsSet: {
    metafields: Array<{ key: string }> | null;
    userErrors: Array<{
      field: string[] | null;
      message: string;
      code: string | null;
      elementIndex: number | null;
    }>;
  } | null;
};

export class MetafieldSyncInterrupted extends Error {
  override name = "MetafieldSyncInterrupted";
}

export interface SyncOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Consecutive THROTTLED or 5xx answers tolerated for one call before the job gives up (and is retried). */
  maxRetries?: number;
}

export interface SyncSummary {
  synced: number;
  /** Changed while their metafields were being written: still dirty, written on the next run. */
  changedMeanwhile: number;
  /** Refused by Shopify (e.g. the customer was deleted): left dirty and logged. */
  refused: number;
  calls: number;
  throttled: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes the metafields of every dirty member of the shop, each under their program in
 * `programs`. Throws MetafieldSyncInterrupted when Shopify keeps failing; members not yet
 * written stay dirty for the retry.
 */
export async function syncMemberMetafields(
  db: PrismaClient,
  shop: string,
  graphql: AdminGraphql,
  programs: ShopPrograms,
  options: SyncOptions = {},
): Promise<SyncSummary> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? (() => new Date());
  const maxRetries = options.maxRetries ?? 20;
  const summary: SyncSummary = { synced: 0, changedMeanwhile: 0, refused: 0, calls: 0, throttled: 0 };
  const live = programs.all[0]!.program;
  let bucket: ThrottleStatus | null = null;
  let after = -1n;

  const write = async (members: Member[]): Promise<SetPayload["metafieldsSet"]> => {
    const metafields = members.flatMap((m) => memberMetafields(m, programs.of(m.customerId), live));
    for (let attempt = 0; ; attempt++) {
      // Leave a tenth of the bucket to requests shoppers are waiting on (redemptions).
      const reserve = bucket ? Math.ceil(bucket.maximumAvailable / 10) : 0;
      const wait = waitForBucket(bucket, MUTATION_COST + reserve);
      if (wait > 0) await sleep(wait);
      summary.calls += 1;
      const result = await adminCall<SetPayload>(graphql, "LoyaltyMetafieldsSet", SET, { metafields });
      if (result.ok) {
        bucket = result.cost?.throttleStatus ?? bucket;
        return result.data.metafieldsSet;
      }
      if (result.kind === "failed" || attempt >= maxRetries)
        throw new MetafieldSyncInterrupted(result.message);
      if (result.kind === "throttled") {
        summary.throttled += 1;
        bucket = result.cost?.throttleStatus ?? null;
        await sleep(Math.max(100, waitForBucket(bucket, result.cost?.requestedQueryCost ?? MUTATION_COST)));
      } else {
        await sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
  };

  for (;;) {
    const page = await db.member.findMany({
      where: { shop, metafieldsDirty: true, customerId: { gt: after }, status: { not: "deleted" } },
      orderBy: { customerId: "asc" },
      take: PAGE,
    });
    if (page.length === 0) break;
    after = page.at(-1)!.customerId;
    for (let i = 0; i < page.length; i += MEMBERS_PER_CALL) {
      let members = page.slice(i, i + MEMBERS_PER_CALL);
      let payload = await write(members);
      // metafieldsSet is all or nothing: drop the members Shopify refused and write the rest.
      while (payload?.userErrors.length) {
        const refused = new Set(
          payload.userErrors.map((e) =>
            e.elementIndex === null ? -1 : Math.floor(e.elementIndex / PER_MEMBER),
          ),
        );
        if (refused.has(-1))
          throw new MetafieldSyncInterrupted(payload.userErrors.map((e) => e.message).join("; "));
        logger().warn(
          {
            shop,
            customers: [...refused].map((j) => String(members[j]?.customerId)),
            errors: payload.userErrors,
          },
          "Shopify refused member metafields; the members stay dirty",
        );
        summary.refused += refused.size;
        members = members.filter((_, j) => !refused.has(j));
        payload = members.length ? await write(members) : null;
      }
      const cleared = await clearDirty(db, shop, members, now());
      summary.synced += cleared;
      summary.changedMeanwhile += members.length - cleared;
    }
  }
  // Deleted customers have no Shopify owner left to write to; their flag would never clear.
  await db.member.updateMany({
    where: { shop, metafieldsDirty: true, status: "deleted" },
    data: { metafieldsDirty: false },
  });
  return summary;
}

/** Clears the flag of members whose row is unchanged since it was read (same updatedAt). */
async function clearDirty(db: PrismaClient, shop: string, members: Member[], at: Date): Promise<number> {
  if (members.length === 0) return 0;
  const results = await db.$transaction(
    members.map((m) =>
      db.member.updateMany({
        where: { shop, customerId: m.customerId, updatedAt: m.updatedAt },
        data: { metafieldsDirty: false, metafieldsSyncedAt: at },
      }),
    ),
  );
  return results.reduce((n, r) => n + r.count, 0);
}
