import type pg from "pg";
import type { Prisma, PrismaClient } from "~/db.server";
import {
  applyOverrides,
  programResolver,
  timelineResolver,
  type MemberProgram,
  type ShopPrograms,
} from "../member-program";
import { loadAssignment, loadAssignmentHistory } from "./assignment.server";
import {
  currentProgramVersion,
  currentProgramVersionPg,
  programVersionsUpTo,
  type ProgramVersionInfo,
} from "./program.server";

// "Which program does this member get": the one answer every surface uses — earning on
// every crediting path, refunds, tiers, redemption, expiry, the storefront, metafields,
// the tier-perk discount, previews and the simulator's app rules. The live program version
// merged with the overrides of the experiment variants the member is assigned to
// (assignment.server.ts).

type Db = PrismaClient | Prisma.TransactionClient;

export type { MemberProgram, ShopPrograms } from "../member-program";

/** Resolves any number of `shop`'s members against one read of the live program. */
export function memberPrograms(
  db: Db,
  shop: string,
  at: Date,
): Promise<(customerId: bigint) => MemberProgram> {
  return memberProgramsOf(currentProgramVersion(db, shop), shop, at);
}

/**
 * The same from the live version as the caller reads it (`currentProgramVersion`, or
 * `liveVersion` from a larger statement), the assignment loaded meanwhile.
 */
export async function memberProgramsOf(
  reading: Promise<ProgramVersionInfo>,
  shop: string,
  at: Date,
): Promise<(customerId: bigint) => MemberProgram> {
  const [live, assignment] = await Promise.all([reading, loadAssignment(shop, at)]);
  return programResolver(live, assignment.overridesFor, assignment.heldOut, assignment.heldOutSince);
}

/** The same for the set-based paths on node-postgres; null when the shop has no program yet. */
export async function memberProgramsPg(
  client: pg.PoolClient,
  shop: string,
  at: Date,
): Promise<((customerId: bigint) => MemberProgram) | null> {
  const [live, assignment] = await Promise.all([
    currentProgramVersionPg(client, shop),
    loadAssignment(shop, at),
  ]);
  return live && programResolver(live, assignment.overridesFor, assignment.heldOut, assignment.heldOutSince);
}

/** Members' programs at any instant of the past, for replaying history (the backfill). */
export interface ProgramTimeline {
  /** The program `customerId` got at `at`: the version live then, with the variants (or holdout) they were in. */
  at: (customerId: bigint, at: Date) => MemberProgram;
  /** The holdout in force at `at`, if any (its id: what shadow entries belong to). */
  holdoutAt: (at: Date) => string | null;
}

/**
 * The program resolution over time, for a long run that pinned `version` when it started
 * (whatever is saved meanwhile is not used): at each instant, the latest version up to
 * `version` saved by then (before the first version, the pinned one: history from before
 * the program existed earns under the program the run was started with), with the
 * assignment of the experiments in force then (`loadAssignmentHistory`). Null when the pinned
 * version is gone.
 */
export async function memberProgramsOverTime(
  db: Db,
  shop: string,
  version: number,
): Promise<ProgramTimeline | null> {
  const [versions, past] = await Promise.all([
    programVersionsUpTo(db, shop, version),
    loadAssignmentHistory(shop),
  ]);
  const pinned = versions.find((v) => v.version === version);
  if (!pinned) return null;
  const versionAt = (t: number) => versions.filter((v) => v.createdAt.getTime() <= t).at(-1) ?? pinned;
  const saved = versions.map((v) => v.createdAt.getTime());
  const instants = [...new Set([...saved, ...past.changes])].sort((a, b) => a - b);
  const at = timelineResolver(instants, (start) => {
    const live = versionAt(start);
    // Before the first change nothing was in force: the assignment of no experiments.
    const assignment = past.at(new Date(Number.isFinite(start) ? start : (instants[0] ?? 0) - 1));
    return programResolver(live, assignment.overridesFor, assignment.heldOut, assignment.heldOutSince);
  });
  return { at, holdoutAt: past.holdoutAt };
}

export async function memberProgram(
  db: Db,
  shop: string,
  customerId: bigint,
  at: Date,
): Promise<MemberProgram> {
  return (await memberPrograms(db, shop, at))(customerId);
}

/**
 * For the surfaces that act on all of a shop's members at once and must cover every program
 * in play: the scheduled run selects candidates under each, and the tier-perk discount's
 * single config carries the tiers of each.
 */
export async function shopPrograms(db: Db, shop: string, at: Date): Promise<ShopPrograms> {
  const [live, assignment] = await Promise.all([currentProgramVersion(db, shop), loadAssignment(shop, at)]);
  const of = programResolver(live, assignment.overridesFor, assignment.heldOut, assignment.heldOutSince);
  const all: MemberProgram[] = [{ program: live.program, version: live.version, variants: [] }];
  for (const overrides of assignment.combinations) {
    if (!overrides.length) continue;
    all.push({
      program: applyOverrides(live.program, overrides),
      version: live.version,
      variants: overrides.map((o) => o.variantKey),
    });
  }
  return { of, all };
}
