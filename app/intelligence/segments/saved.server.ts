import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { Prisma, PrismaClient } from "~/db.server";
import { parseAudience, readConditions, storedConditions, type Audience } from "./audience";
import { countAudiences } from "./audience.server";

// Saved segments: the builder's conditions under a name. They are dynamic: nothing about
// membership is stored, every reader evaluates the conditions against the latest scores.
// Experiments that target one (audience { kind: "segment" }) hold on to it: it cannot be
// deleted while one could still run, nor its conditions changed while one runs (409).

export type SegmentOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; status: 404 | 409 | 422; message: string; fieldErrors: Record<string, string> };

const invalid = (message: string, fieldErrors: Record<string, string> = {}) =>
  ({ ok: false, status: 422, message, fieldErrors }) as const;
const missing = () => ({ ok: false, status: 404, message: "No such segment.", fieldErrors: {} }) as const;
const conflict = (message: string) => ({ ok: false, status: 409, message, fieldErrors: {} }) as const;

export const MAX_SAVED_SEGMENTS = 100;

const detailsSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "Give the segment a name." })
    .max(80, { error: "At most 80 characters." }),
  description: z.string().trim().max(300, { error: "At most 300 characters." }).default(""),
});

export type SegmentInput = { name: string; description?: string; conditions: string };

const isId = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

async function shopCurrency(db: PrismaClient, shop: string) {
  const row = await db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } });
  return row?.currencyCode ?? "USD";
}

/** Name, description and conditions (the builder's query string), each error on its field. */
async function validInput(db: PrismaClient, shop: string, input: SegmentInput) {
  const details = detailsSchema.safeParse(input);
  const conditions = parseAudience(new URLSearchParams(input.conditions), await shopCurrency(db, shop));
  const fieldErrors: Record<string, string> = {};
  for (const issue of [...(details.error?.issues ?? []), ...(conditions.error?.issues ?? [])])
    fieldErrors[String(issue.path[0] ?? "_form")] ??= issue.message;
  if (!details.success || !conditions.success) return invalid("Check the segment.", fieldErrors);
  return { ok: true as const, value: { ...details.data, conditions: conditions.data } };
}

/** The write, or null when a concurrent save took the name first (the unique index). */
async function uniqueName<T>(write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return null;
    throw error;
  }
}

const nameTaken = () => invalid("Another segment has this name.", { name: "Another segment has this name." });

/** The experiments that target the segment and are not finished, with their status. */
export async function experimentsUsing(
  db: PrismaClient | Prisma.TransactionClient,
  shop: string,
  segmentId: string,
) {
  return db.experiment.findMany({
    where: {
      shop,
      status: { in: ["draft", "running", "paused"] },
      audience: { path: ["segmentId"], equals: segmentId },
    },
    select: { id: true, name: true, status: true },
    orderBy: { createdAt: "asc" },
  });
}

const names = (experiments: { name: string }[]) => experiments.map((e) => `"${e.name}"`).join(", ");

export async function createSavedSegment(
  db: PrismaClient,
  shop: string,
  input: SegmentInput,
  staffId: string | null,
): Promise<SegmentOutcome<{ id: string }>> {
  const valid = await validInput(db, shop, input);
  if (!valid.ok) return valid;
  if ((await db.savedSegment.count({ where: { shop } })) >= MAX_SAVED_SEGMENTS)
    return invalid(`A shop keeps at most ${MAX_SAVED_SEGMENTS} segments: delete one first.`);
  if (await db.savedSegment.findUnique({ where: { shop_name: { shop, name: valid.value.name } } }))
    return nameTaken();
  const row = await uniqueName(() =>
    db.savedSegment.create({
      data: {
        shop,
        name: valid.value.name,
        description: valid.value.description,
        conditions: storedConditions(valid.value.conditions),
        createdBy: staffId,
        updatedBy: staffId,
      },
      select: { id: true },
    }),
  );
  return row ? { ok: true, value: row } : nameTaken();
}

/** Renames, re-describes and re-conditions a segment; the conditions are locked while an experiment on it runs. */
export async function updateSavedSegment(
  db: PrismaClient,
  shop: string,
  id: string,
  input: SegmentInput,
  staffId: string | null,
): Promise<SegmentOutcome<{ id: string }>> {
  const existing = isId(id) ? await db.savedSegment.findFirst({ where: { shop, id } }) : null;
  if (!existing) return missing();
  const valid = await validInput(db, shop, input);
  if (!valid.ok) return valid;
  const other = await db.savedSegment.findUnique({ where: { shop_name: { shop, name: valid.value.name } } });
  if (other && other.id !== id) return nameTaken();
  const changed = !isDeepStrictEqual(readConditions(existing.conditions), valid.value.conditions);
  if (changed) {
    const running = (await experimentsUsing(db, shop, id)).filter((e) => e.status !== "draft");
    if (running.length)
      return conflict(
        `The experiment ${names(running)} targets this segment: its conditions stay as they are until it stops. You can still rename it.`,
      );
  }
  const saved = await uniqueName(() =>
    db.savedSegment.update({
      where: { id },
      data: {
        name: valid.value.name,
        description: valid.value.description,
        conditions: storedConditions(valid.value.conditions),
        updatedBy: staffId,
      },
    }),
  );
  return saved ? { ok: true, value: { id } } : nameTaken();
}

export async function deleteSavedSegment(
  db: PrismaClient,
  shop: string,
  id: string,
): Promise<SegmentOutcome<{ id: string }>> {
  if (!isId(id) || !(await db.savedSegment.findFirst({ where: { shop, id }, select: { id: true } })))
    return missing();
  const using = await experimentsUsing(db, shop, id);
  if (using.length)
    return conflict(
      `The experiment ${names(using)} targets this segment: stop it or change its audience before deleting the segment.`,
    );
  await db.savedSegment.deleteMany({ where: { shop, id } });
  return { ok: true, value: { id } };
}

export type SavedSegmentRow = {
  id: string;
  name: string;
  description: string;
  conditions: Audience | null;
  updatedAt: Date;
  matching: number;
  total: number;
};

/** The shop's segments, last changed first, each with its live count (one scan for all). */
export async function listSavedSegments(db: PrismaClient, shop: string): Promise<SavedSegmentRow[]> {
  const rows = await db.savedSegment.findMany({ where: { shop }, orderBy: { updatedAt: "desc" } });
  const readable = rows.map((r) => ({ ...r, audience: readConditions(r.conditions) }));
  const counts = await countAudiences(
    db,
    shop,
    readable.flatMap((r) => (r.audience ? [r.audience] : [])),
  );
  let next = 0;
  return readable.map((r) => {
    const count = r.audience ? counts[next++]! : { matching: 0, total: 0 };
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      conditions: r.audience,
      updatedAt: r.updatedAt,
      ...count,
    };
  });
}
