import type { Prisma, PrismaClient } from "~/db.server";
import { defaultProgram, programSchema, type Program, type ProgramInput } from "../program";

type Db = PrismaClient | Prisma.TransactionClient;

export interface ProgramVersionInfo {
  version: number;
  program: Program;
  createdAt: Date;
  createdBy: string | null;
  note: string | null;
}

/**
 * The shop's current program: its highest version. A shop that never saved one gets
 * version 1 with the defaults in its currency, written on first read so every ledger
 * entry can point at a stored version.
 */
export async function currentProgram(db: Db, shop: string): Promise<Program> {
  return (await currentProgramVersion(db, shop)).program;
}

export async function currentProgramVersion(db: Db, shop: string): Promise<ProgramVersionInfo> {
  const row = await db.programVersion.findFirst({ where: { shop }, orderBy: { version: "desc" } });
  if (row) return toInfo(row);
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } });
  const program = defaultProgram(shopRow?.currencyCode ?? "USD");
  // Two first reads at once (dashboard and program page) must both succeed: insert the
  // defaults if nobody has, then read whichever version 1 won.
  await db.programVersion.createMany({
    data: [{ shop, version: 1, config: program as unknown as Prisma.InputJsonObject, note: "Defaults" }],
    skipDuplicates: true,
  });
  const created = await db.programVersion.findFirstOrThrow({ where: { shop }, orderBy: { version: "desc" } });
  return toInfo(created);
}

/** A specific version, as entries written under it saw it. */
export async function programAtVersion(db: Db, shop: string, version: number): Promise<Program | null> {
  const row = await db.programVersion.findUnique({ where: { shop_version: { shop, version } } });
  return row ? toInfo(row).program : null;
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
 * overwrite theirs. Throws the zod error for invalid input (routes turn it into a 422).
 */
export async function saveProgram(
  db: PrismaClient,
  shop: string,
  input: ProgramInput,
  options: { basedOn: number; createdBy?: string | null; note?: string | null },
): Promise<ProgramVersionInfo> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`program:${shop}`}))`;
    const current = await currentProgramVersion(tx, shop);
    if (current.version !== options.basedOn)
      throw new ProgramVersionConflict(options.basedOn, current.version);
    const version = current.version + 1;
    const program = programSchema.parse({ ...input, version });
    const row = await tx.programVersion.create({
      data: {
        shop,
        version,
        config: program as unknown as Prisma.InputJsonObject,
        createdBy: options.createdBy ?? null,
        note: options.note ?? null,
      },
    });
    return toInfo(row);
  });
}

function toInfo(row: {
  version: number;
  config: unknown;
  createdAt: Date;
  createdBy: string | null;
  note: string | null;
}): ProgramVersionInfo {
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
