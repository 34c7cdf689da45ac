import type pg from "pg";
import { z } from "zod";
import { Prisma, type PrismaClient } from "~/db.server";
import { isStorableText, UNSTORABLE_MESSAGE, unstorablePaths } from "~/db/storable-text";
import { defaultProgram, programSchema, type Program, type ProgramInput } from "../program";
import { rewardConflicts, type SaveIssue } from "../program-rewards";

// The one reader of ProgramVersion. Everything else asks for a member's program through
// member-program.server.ts (or, for shop-level screens, `currentProgramVersion`).

type Db = PrismaClient | Prisma.TransactionClient;

export interface ProgramVersionInfo {
  version: number;
  program: Program;
  createdAt: Date;
  createdBy: string | null;
  note: string | null;
}

/**
 * Versions never change once written, so each is parsed with zod once per process. The
 * hot paths then read only the live version number and when it was written. Bounded,
 * oldest evicted first. The write time is part of the key because a shop's redaction
 * deletes its versions and a reinstall numbers them from 1 again: a long-running worker
 * must not answer a new version 2 with the old one it parsed (ADR 0018).
 */
const parsed = new Map<string, ProgramVersionInfo>();
const PARSED_LIMIT = 5_000;

type Written = { version: number; createdAt: Date };
const keyOf = (shop: string, { version, createdAt }: Written) =>
  `${shop}\u0000${version}\u0000${createdAt.getTime()}`;

function cached(shop: string, written: Written): ProgramVersionInfo | undefined {
  return parsed.get(keyOf(shop, written));
}

function remember(shop: string, info: ProgramVersionInfo): ProgramVersionInfo {
  if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
  parsed.set(keyOf(shop, info), info);
  return info;
}

type VersionRow = {
  version: number;
  config: unknown;
  createdAt: Date;
  createdBy: string | null;
  note: string | null;
};

/**
 * The shop's live program: its highest version. A shop that never saved one gets
 * version 1 with the defaults in its currency, written on first read so every ledger
 * entry can point at a stored version.
 */
export async function currentProgram(db: Db, shop: string): Promise<Program> {
  return (await currentProgramVersion(db, shop)).program;
}

export async function currentProgramVersion(db: Db, shop: string): Promise<ProgramVersionInfo> {
  const latest = await db.programVersion.findFirst({
    where: { shop },
    orderBy: { version: "desc" },
    select: { version: true, createdAt: true },
  });
  if (latest) return versionInfo(db, shop, latest);
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } });
  const program = defaultProgram(shopRow?.currencyCode ?? "USD");
  // Two first reads at once (dashboard and program page) must both succeed: insert the
  // defaults if nobody has, then read whichever version 1 won.
  await db.programVersion.createMany({
    data: [{ shop, version: 1, config: program as unknown as Prisma.InputJsonObject, note: "Defaults" }],
    skipDuplicates: true,
  });
  const created = await db.programVersion.findFirstOrThrow({ where: { shop }, orderBy: { version: "desc" } });
  return remember(shop, toInfo(created));
}

async function versionInfo(db: Db, shop: string, written: Written): Promise<ProgramVersionInfo> {
  const hit = cached(shop, written);
  if (hit) return hit;
  const row = await db.programVersion.findUniqueOrThrow({
    where: { shop_version: { shop, version: written.version } },
  });
  return remember(shop, toInfo(row));
}

/**
 * The live version through a node-postgres client, for the set-based paths that run
 * on one (the webhook batch). Null when the shop has no version yet: the caller leaves
 * its rows to the per-row path, which writes the defaults.
 */
export async function currentProgramVersionPg(
  client: pg.PoolClient,
  shop: string,
): Promise<ProgramVersionInfo | null> {
  const { rows } = await client.query<Written>(
    `SELECT "version", "createdAt" FROM "ProgramVersion" WHERE "shop" = $1 ORDER BY "version" DESC LIMIT 1`,
    [shop],
  );
  const latest = rows[0];
  if (latest === undefined) return null;
  const hit = cached(shop, latest);
  if (hit) return hit;
  const full = await client.query<VersionRow>(
    `SELECT "version", "config", "createdAt", "createdBy", "note" FROM "ProgramVersion"
     WHERE "shop" = $1 AND "version" = $2`,
    [shop, latest.version],
  );
  return remember(shop, toInfo(full.rows[0]!));
}

/**
 * The live version's number and write time as two columns of a larger statement (`version`,
 * `versionCreatedAt`), for a hot path that reads its other rows in the same round trip (the
 * storefront's member status); `liveVersion` turns them into the version, parsed once per
 * process.
 */
export const latestVersionColumns = (shop: string) => Prisma.sql`
  (SELECT "version" FROM "ProgramVersion" WHERE "shop" = ${shop} ORDER BY "version" DESC LIMIT 1) AS "version",
  (SELECT "createdAt" FROM "ProgramVersion" WHERE "shop" = ${shop} ORDER BY "version" DESC LIMIT 1) AS "versionCreatedAt"`;

/** The live version from `latestVersionColumns`' two columns (null: none yet, so the defaults are written). */
export function liveVersion(
  db: Db,
  shop: string,
  latest: { version: number | null; versionCreatedAt: Date | null },
): Promise<ProgramVersionInfo> {
  if (latest.version === null || latest.versionCreatedAt === null) return currentProgramVersion(db, shop);
  return versionInfo(db, shop, { version: latest.version, createdAt: latest.versionCreatedAt });
}

/** A specific version, as entries written under it saw it. */
export async function programAtVersion(db: Db, shop: string, version: number): Promise<Program | null> {
  const written = await db.programVersion.findUnique({
    where: { shop_version: { shop, version } },
    select: { version: true, createdAt: true },
  });
  return written ? (await versionInfo(db, shop, written)).program : null;
}

/** Versions 1..`upTo` of a shop's program with when each was saved, oldest first (the backfill's timeline). */
export async function programVersionsUpTo(db: Db, shop: string, upTo: number): Promise<ProgramVersionInfo[]> {
  const written = await db.programVersion.findMany({
    where: { shop, version: { lte: upTo } },
    orderBy: { version: "asc" },
    select: { version: true, createdAt: true },
  });
  return Promise.all(written.map((w) => versionInfo(db, shop, w)));
}

/** The versions of a shop's program, newest first, for the program page's history. */
export async function programHistory(db: Db, shop: string, take: number) {
  return db.programVersion.findMany({
    where: { shop },
    orderBy: { version: "desc" },
    take,
    select: { version: true, createdAt: true, createdBy: true, note: true },
  });
}

export class ProgramVersionConflict extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`The program changed since you opened it (version ${actual}, you edited ${expected}).`);
    this.name = "ProgramVersionConflict";
  }
}

/**
 * Saves `input` as a new version (current + 1). `basedOn` is the version the editor
 * loaded: a concurrent save by someone else makes this one fail rather than silently
 * overwrite theirs. Throws the zod error for invalid input (routes turn it into a 422),
 * including what only a save refuses: rewards with the same name or the same terms, and
 * whatever the caller's `check` finds in the parsed program (paths from the program's root).
 */
export async function saveProgram(
  db: PrismaClient,
  shop: string,
  input: ProgramInput,
  options: {
    basedOn: number;
    createdBy?: string | null;
    note?: string | null;
    check?: (program: Program) => SaveIssue[];
  },
): Promise<ProgramVersionInfo> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`program:${shop}`}))`;
    const current = await currentProgramVersion(tx, shop);
    if (current.version !== options.basedOn)
      throw new ProgramVersionConflict(options.basedOn, current.version);
    const version = current.version + 1;
    const program = programSchema.parse({ ...input, version });
    const issues = [
      ...rewardConflicts(program.rewards).map((i) => ({ ...i, path: ["rewards", ...i.path] })),
      ...(options.check?.(program) ?? []),
      // Text the jsonb column (or the note's text column) would refuse: a 422, not a 500.
      ...unstorablePaths(program).map((path) => ({ path, message: UNSTORABLE_MESSAGE })),
      ...(options.note && !isStorableText(options.note)
        ? [{ path: ["note"], message: UNSTORABLE_MESSAGE }]
        : []),
    ];
    if (issues.length) throw new z.ZodError(issues.map((i) => ({ code: "custom", input: undefined, ...i })));
    const row = await tx.programVersion.create({
      data: {
        shop,
        version,
        config: program as unknown as Prisma.InputJsonObject,
        createdBy: options.createdBy ?? null,
        note: options.note ?? null,
      },
    });
    return remember(shop, toInfo(row));
  });
}

function toInfo(row: VersionRow): ProgramVersionInfo {
  // Stored configs were valid when saved; parsing again applies defaults added since.
  const program = programSchema.parse({ ...(row.config as object), version: row.version });
  return {
    version: row.version,
    program,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    note: row.note,
  };
}
