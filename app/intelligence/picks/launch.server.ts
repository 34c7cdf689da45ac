import type { PrismaClient } from "~/db.server";
import type { Campaign } from "~/loyalty/program-earning";
import {
  currentProgramVersion,
  ProgramVersionConflict,
  saveProgram,
} from "~/loyalty/services/program.server";
import { launchStart } from "./launch-start";
import type { ProductPick } from "./picks";
import type { StoredSettings } from "./run.server";

// Launching a run's picks: one new program version whose earning campaigns gain a
// multiplier campaign on the picked products for 7 days from the forecast week's start, or
// the next UTC midnight once that has passed (launch-start.ts). The merchant confirms the estimated bonus cost first (a 409 with the figures
// until `confirmed`); a run launches once.

const DAY_MS = 86_400_000;

export type LaunchOutcome =
  | { ok: true; version: number; campaign: Campaign }
  | { ok: false; status: 404 | 409 | 422; message: string; estimate?: LaunchEstimate };

export interface LaunchEstimate {
  products: number;
  bonusCostMinor: number;
  incrementalMarginMinor: number;
  netMinor: number;
  currencyCode: string;
  startsAt: string;
  endsAt: string;
}

export async function launchPicks(
  db: PrismaClient,
  shop: string,
  runId: string,
  options: { staffId: string | null; confirmed: boolean; now: Date },
): Promise<LaunchOutcome> {
  const run = await db.weeklyPicksRun.findFirst({ where: { id: runId, shop } });
  if (!run) return { ok: false, status: 404, message: "These picks no longer exist. Reload the page." };
  if (run.status !== "computed")
    return { ok: false, status: 422, message: "These picks are not ready to launch." };
  if (run.launchedVersion !== null || run.launchedAt !== null)
    return {
      ok: false,
      status: 409,
      message: run.launchedVersion
        ? `These picks were already launched in program version ${run.launchedVersion}.`
        : "These picks are being launched already. Reload the page.",
    };
  const picks = (run.picks ?? []) as unknown as ProductPick[];
  if (!picks.length)
    return { ok: false, status: 422, message: "No product is worth a bonus this week: nothing to launch." };
  const settings = run.settings as unknown as StoredSettings;
  const start = launchStart(run.forecastFrom, options.now).getTime();
  const estimate: LaunchEstimate = {
    products: picks.length,
    bonusCostMinor: Math.round(picks.reduce((s, p) => s + p.bonusCostMinor, 0)),
    incrementalMarginMinor: Math.round(picks.reduce((s, p) => s + p.incrementalMarginMinor, 0)),
    netMinor: Math.round(picks.reduce((s, p) => s + p.netMinor, 0)),
    currencyCode: run.currencyCode ?? "USD",
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 7 * DAY_MS).toISOString(),
  };
  if (!options.confirmed)
    return { ok: false, status: 409, message: "Confirm the estimated cost of the bonus points.", estimate };

  const current = await currentProgramVersion(db, shop);
  const day = estimate.startsAt.slice(0, 10);
  const taken = new Set(current.program.earning.campaigns.map((c) => c.id));
  let id = `weekly-picks-${day}`;
  for (let n = 2; taken.has(id); n++) id = `weekly-picks-${day}-${n}`;
  const campaign: Campaign = {
    id,
    name: `Weekly picks ${day}`,
    kind: "multiplier",
    multiplier: settings.multiplier,
    startsAt: estimate.startsAt,
    endsAt: estimate.endsAt,
    productIds: picks.map((p) => p.id),
  };
  const program = current.program;
  // Claim the run first (conditional), so two launches cannot both add the campaign; a
  // failed save gives the claim back.
  const claimed = await db.weeklyPicksRun.updateMany({
    where: { id: runId, shop, launchedVersion: null, launchedAt: null },
    data: { launchedAt: options.now, launchedBy: options.staffId },
  });
  if (claimed.count !== 1)
    return { ok: false, status: 409, message: "These picks are being launched already. Reload the page." };
  try {
    const saved = await saveProgram(
      db,
      shop,
      { ...program, earning: { ...program.earning, campaigns: [...program.earning.campaigns, campaign] } },
      {
        basedOn: current.version,
        createdBy: options.staffId,
        note: `Weekly picks: ${settings.multiplier}× points on ${picks.length} products`,
      },
    );
    await db.weeklyPicksRun.update({ where: { id: runId }, data: { launchedVersion: saved.version } });
    return { ok: true, version: saved.version, campaign };
  } catch (error) {
    await db.weeklyPicksRun.update({ where: { id: runId }, data: { launchedAt: null, launchedBy: null } });
    if (error instanceof ProgramVersionConflict)
      return { ok: false, status: 409, message: "The program changed just now. Try the launch again." };
    throw error;
  }
}
