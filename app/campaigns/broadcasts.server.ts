import { z } from "zod";
import { Prisma, type PrismaClient } from "~/db.server";
import {
  audiencePredicate,
  membersWithScores,
  savedConditions,
} from "~/intelligence/segments/audience.server";
import { audienceShape, type Audience } from "~/intelligence/segments/audience";
import { shopLocalInstant } from "./broadcast-schedule";
import { campaignSchema, fieldErrorsOf } from "./definition";

// Broadcasts: one message to an audience (a saved segment, or the segment builder's
// conditions), now or at a shop-local date and time. Creating one checks everything a
// merchant can get wrong (the content, the audience, the time, the count they confirmed)
// and writes the campaign and its one BroadcastRun together. The run (`runBroadcast`,
// the campaigns queue's `run-broadcast` job) creates the sends in keyset batches of the
// audience with one INSERT … SELECT each, occurrence = the run's id, so repeating it adds
// nothing and a finished run is a no-op. Delivery is the triggers' delivery: consent,
// suppression, caps and quiet hours apply as for any campaign.

export const BROADCAST_BATCH = 1_000;

export const broadcastAudienceSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("segment"),
      segmentId: z.string().min(1, { error: "Choose a saved segment." }),
    }),
    z.object({ kind: z.literal("conditions"), conditions: audienceShape }),
  ],
  { error: "Choose a saved segment or build the audience." },
);
export type BroadcastAudience = z.infer<typeof broadcastAudienceSchema>;

const broadcastInputSchema = z.object({
  audience: broadcastAudienceSchema,
  /** "now", or a shop-local date and time. */
  schedule: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("now") }),
    z.object({ kind: z.literal("at"), date: z.string(), time: z.string() }),
  ]),
  /** The audience count the merchant saw and confirmed. */
  confirmedCount: z.int({ error: "Confirm the audience count." }).min(0),
});

type Invalid = { ok: false; status: 422; message: string; fieldErrors: Record<string, string> };
const invalid = (message: string, fieldErrors: Record<string, string> = {}): Invalid => ({
  ok: false,
  status: 422,
  message,
  fieldErrors,
});

/** The conditions of an audience, or a 422 (unknown segment). */
async function conditionsOf(
  db: PrismaClient,
  shop: string,
  audience: BroadcastAudience,
): Promise<{ ok: true; conditions: Audience } | Invalid> {
  if (audience.kind === "conditions") return { ok: true, conditions: audience.conditions };
  const conditions = await savedConditions(db, shop, audience.segmentId);
  return conditions
    ? { ok: true, conditions }
    : invalid("That saved segment does not exist in this shop.", {
        "audience.segmentId": "Unknown segment.",
      });
}

/** Members a broadcast to `audience` would reach now (members not deleted matching it). */
export async function countBroadcastAudience(
  db: PrismaClient,
  shop: string,
  input: unknown,
): Promise<{ ok: true; count: number } | Invalid> {
  const parsed = broadcastAudienceSchema.safeParse(input);
  if (!parsed.success) return invalid("Check the audience.", prefixed("audience", parsed.error));
  const resolved = await conditionsOf(db, shop, parsed.data);
  if (!resolved.ok) return resolved;
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT COUNT(*) AS "n" FROM ${membersWithScores(shop)} AND ${audiencePredicate(shop, resolved.conditions)}`;
  return { ok: true, count: Number(row?.n ?? 0) };
}

const prefixed = (prefix: string, error: z.ZodError) =>
  Object.fromEntries(Object.entries(fieldErrorsOf(error)).map(([k, v]) => [`${prefix}.${k}`, v]));

/**
 * A new broadcast, scheduled (its run waits for `sendAt`). 422 with a message for bad content,
 * an unknown segment, an empty audience, a time in the past or that does not exist, or a
 * count that changed since the merchant confirmed it.
 */
export async function createBroadcast(
  db: PrismaClient,
  shop: string,
  input: { campaign: unknown; broadcast: unknown },
  now = new Date(),
): Promise<{ ok: true; runId: string; campaignId: string; sendAt: Date } | Invalid> {
  const content = campaignSchema.safeParse({
    ...(input.campaign as object),
    kind: "broadcast",
    trigger: null,
    enabled: true,
  });
  const details = broadcastInputSchema.safeParse(input.broadcast);
  if (!content.success || !details.success) {
    const fieldErrors = {
      ...(content.success ? {} : fieldErrorsOf(content.error)),
      ...(details.success ? {} : fieldErrorsOf(details.error)),
    };
    return invalid("Check the broadcast.", fieldErrors);
  }
  const { audience, schedule, confirmedCount } = details.data;
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } });
  const timeZone = shopRow?.ianaTimezone ?? "UTC";
  let sendAt = now;
  if (schedule.kind === "at") {
    const instant = shopLocalInstant(schedule, timeZone);
    if (!instant.ok) return invalid(instant.message, { [`schedule.${instant.field}`]: instant.message });
    if (instant.at.getTime() <= now.getTime())
      return invalid("That time has passed in the shop's time zone.", {
        "schedule.time": `Choose a later time (${timeZone}).`,
      });
    sendAt = instant.at;
  }
  const counted = await countBroadcastAudience(db, shop, audience);
  if (!counted.ok) return counted;
  if (counted.count === 0)
    return invalid("No member matches this audience, so there is nobody to send to.", {
      audience: "The audience is empty.",
    });
  if (counted.count !== confirmedCount)
    return invalid(
      `The audience is now ${counted.count} members, not the ${confirmedCount} you confirmed. Check and confirm again.`,
      { confirmedCount: `Now ${counted.count}.` },
    );
  const { triggerSettings: _none, ...campaign } = content.data;
  const run = await db.$transaction(async (tx) => {
    const created = await tx.campaign.create({
      data: { shop, ...campaign, enabledAt: now, audience: audience as Prisma.InputJsonObject },
    });
    return tx.broadcastRun.create({
      data: { shop, campaignId: created.id, sendAt, audienceCount: counted.count },
    });
  });
  return { ok: true, runId: run.id, campaignId: run.campaignId, sendAt };
}

/**
 * Cancels a broadcast that has not finished: a scheduled one never runs; one sending stops
 * creating sends and its queued messages are suppressed (the campaign is switched off).
 */
export async function cancelBroadcast(
  db: PrismaClient,
  shop: string,
  runId: string,
  now = new Date(),
): Promise<{ ok: true } | { ok: false; status: 404 | 409; message: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(runId))
    return { ok: false, status: 404, message: "No such broadcast in this shop." };
  return db.$transaction(async (tx) => {
    const run = await tx.broadcastRun.findFirst({ where: { id: runId, shop } });
    if (!run) return { ok: false, status: 404, message: "No such broadcast in this shop." } as const;
    const updated = await tx.broadcastRun.updateMany({
      where: { id: runId, status: { in: ["scheduled", "sending"] } },
      data: { status: "cancelled", cancelledAt: now },
    });
    if (updated.count === 0)
      return { ok: false, status: 409, message: `This broadcast is already ${run.status}.` } as const;
    await tx.campaign.update({ where: { id: run.campaignId }, data: { enabled: false, enabledAt: null } });
    return { ok: true } as const;
  });
}

export type RunOutcome =
  { status: "noop"; reason: string } | { status: "wait"; until: Date } | { status: "sent"; created: number };

/**
 * Runs a broadcast whose time has come: batch by batch, the audience's sends (each batch's
 * INSERT and the cursor move in one transaction) handed to `enqueue` as they are made. A
 * finished, cancelled or unknown run is a no-op; an early one says when to come back.
 */
export async function runBroadcast(
  db: PrismaClient,
  runId: string,
  enqueue: (sendIds: string[]) => Promise<void>,
  now = new Date(),
): Promise<RunOutcome> {
  const run = await db.broadcastRun.findUnique({ where: { id: runId }, include: { campaign: true } });
  if (!run) return { status: "noop", reason: "unknown run" };
  if (run.status !== "scheduled" && run.status !== "sending") return { status: "noop", reason: run.status };
  if (run.sendAt.getTime() > now.getTime()) return { status: "wait", until: run.sendAt };
  const claimed = await db.broadcastRun.updateMany({
    where: { id: runId, status: { in: ["scheduled", "sending"] } },
    data: { status: "sending", startedAt: run.startedAt ?? now },
  });
  if (claimed.count === 0) return { status: "noop", reason: "cancelled" };
  const { shop, campaign } = run;
  const parsed = broadcastAudienceSchema.safeParse(campaign.audience);
  const resolved = parsed.success ? await conditionsOf(db, shop, parsed.data) : null;
  if (!resolved?.ok) {
    await db.broadcastRun.updateMany({
      where: { id: runId, status: "sending" },
      data: { status: "cancelled", cancelledAt: now, error: "Its saved segment was deleted before it ran." },
    });
    return { status: "noop", reason: "audience gone" };
  }
  let cursor = run.cursor ?? -1n;
  let created = 0;
  for (;;) {
    const batch = await db
      .$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<{ last: bigint | null; n: bigint; ids: string[] }[]>`
        WITH batch AS (
          SELECT m."customerId" FROM ${membersWithScores(shop)} AND ${audiencePredicate(shop, resolved.conditions)}
            AND m."customerId" > ${cursor}
          ORDER BY m."customerId" LIMIT ${BROADCAST_BATCH}
        ), inserted AS (
          INSERT INTO "CampaignSend" ("id", "shop", "campaignId", "customerId", "occurrence", "channel",
                                      "transactional", "queuedAt", "updatedAt")
          SELECT gen_random_uuid(), ${shop}, ${campaign.id}::uuid, b."customerId", ${runId}, ${campaign.channel},
                 false, ${now.toISOString()}::timestamp, ${now.toISOString()}::timestamp
          FROM batch b
          ON CONFLICT ("campaignId", "customerId", "occurrence") DO NOTHING
          RETURNING "id"
        )
        SELECT (SELECT MAX("customerId") FROM batch) AS "last", (SELECT COUNT(*) FROM batch) AS "n",
               COALESCE((SELECT array_agg("id"::text) FROM inserted), '{}') AS "ids"`;
        const ids = row?.ids ?? [];
        // Conditional on the run still sending: a cancel between batches rolls this one back.
        const moved = await tx.broadcastRun.updateMany({
          where: { id: runId, status: "sending" },
          data: {
            cursor: row?.last ?? cursor,
            queuedCount: { increment: ids.length },
            ...(Number(row?.n ?? 0) < BROADCAST_BATCH ? { status: "sent", finishedAt: now } : {}),
          },
        });
        if (moved.count === 0) throw new BroadcastStopped();
        return { ids, last: row?.last ?? null, n: Number(row?.n ?? 0) };
      })
      .catch((error: unknown) => {
        if (error instanceof BroadcastStopped) return null;
        throw error;
      });
    if (!batch) return { status: "noop", reason: "cancelled" };
    created += batch.ids.length;
    await enqueue(batch.ids);
    if (batch.n < BROADCAST_BATCH || batch.last === null) return { status: "sent", created };
    cursor = batch.last;
  }
}

class BroadcastStopped extends Error {
  override name = "BroadcastStopped";
}

/** Runs due or interrupted (a worker died mid-run) of installed shops, for the per-minute sweep to enqueue again. */
export async function dueBroadcastRuns(db: PrismaClient, now: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT r."id"::text AS "id" FROM "BroadcastRun" r JOIN "Shop" s ON s."domain" = r."shop"
    WHERE r."status" IN ('scheduled', 'sending') AND r."sendAt" <= ${now.toISOString()}::timestamp
      AND s."status" = 'installed'
    ORDER BY r."sendAt" LIMIT 100`;
  return rows.map((r) => r.id);
}
