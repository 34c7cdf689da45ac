import type { Prisma, PrismaClient } from "~/db.server";
import { qualifiedKey } from "~/experiments/assignment";
import { insertExposures } from "~/experiments/exposure.server";
import { type Outcome, unprocessable } from "~/experiments/experiments.server";
import { fieldErrorsOf } from "../definition";
import { campaignArm, campaignTestSchema, HOLDOUT_ARM, type ArmChoice, type CampaignTest } from "./variants";

// A campaign's test is an Experiment of kind `campaign`: running from when it is set, exposed
// on the message ("message" trigger: at the send, or at the would-be send for the holdout),
// analysed by the experiments' metrics with net margin as the primary metric. Its arms are
// fixed once a member is exposed: changing them then would mix two tests in one analysis.

type Db = PrismaClient | Prisma.TransactionClient;

export const CAMPAIGN_METRICS = {
  primary: "netMargin",
  secondary: ["orders", "conversion", "netRevenue", "rewardCost"],
} as const;

export type CampaignExperiment = {
  id: string;
  key: string;
  salt: string;
  variants: { key: string; name: string; weight: number; control: boolean; override: unknown }[];
};

/** The campaign's running test with its arms in position order, or null. */
export async function campaignExperiment(
  db: Db,
  shop: string,
  experimentId: string | null,
): Promise<CampaignExperiment | null> {
  if (!experimentId) return null;
  return db.experiment.findFirst({
    where: { shop, id: experimentId, kind: "campaign", status: "running" },
    select: { id: true, key: true, salt: true, variants: { orderBy: { position: "asc" } } },
  });
}

/** Sets (or, before anyone is exposed, replaces) the campaign's holdout and variants. */
export async function setCampaignTest(
  db: PrismaClient,
  shop: string,
  campaignId: string,
  input: unknown,
  options: { staffId?: string | null; now?: Date } = {},
): Promise<Outcome<{ experimentId: string }>> {
  const campaign = await db.campaign.findFirst({ where: { shop, id: campaignId } });
  if (!campaign) return { ok: false, status: 404, message: "No such campaign.", fieldErrors: {} };
  const parsed = campaignTestSchema.safeParse(input);
  if (!parsed.success) return unprocessable("Some settings need a fix.", fieldErrorsOf(parsed.error));
  if (campaign.experimentId) {
    const exposed = await db.experimentExposure.count({
      where: { shop, experimentId: campaign.experimentId },
    });
    if (exposed > 0)
      return {
        ok: false,
        status: 409,
        message: `The test has measured ${exposed} members; its arms can no longer change. Duplicate the campaign to test something else.`,
        fieldErrors: {},
      };
  }
  const now = options.now ?? new Date();
  const experimentId = await db.$transaction(async (tx) => {
    if (campaign.experimentId) await tx.experiment.deleteMany({ where: { shop, id: campaign.experimentId } });
    const id = await createExperiment(tx, shop, campaign, parsed.data, now);
    await tx.campaign.update({ where: { id: campaign.id }, data: { experimentId: id } });
    await tx.experimentAudit.create({
      data: {
        shop,
        experimentId: id,
        action: "launched",
        staffId: options.staffId ?? null,
        details: { campaignId },
      },
    });
    return id;
  });
  return { ok: true, value: { experimentId } };
}

async function createExperiment(
  tx: Prisma.TransactionClient,
  shop: string,
  campaign: { id: string; name: string },
  test: CampaignTest,
  now: Date,
): Promise<string> {
  const key = `campaign-${campaign.id.slice(0, 8)}-${now.getTime().toString(36)}`;
  const arms = [
    ...(test.holdoutPercent > 0
      ? [
          {
            key: HOLDOUT_ARM,
            name: "Holdout (no message)",
            weight: test.holdoutPercent,
            control: true,
            override: {},
          },
        ]
      : []),
    ...test.variants.map(({ key: k, name, weight, ...message }, i) => ({
      key: k,
      name,
      weight,
      control: test.holdoutPercent === 0 && i === 0,
      override: message,
    })),
  ];
  const experiment = await tx.experiment.create({
    data: {
      shop,
      key,
      kind: "campaign",
      name: `Campaign: ${campaign.name}`,
      hypothesis: "The campaign's messages add net margin over sending nothing.",
      salt: `${key}-${crypto.randomUUID().slice(0, 8)}`,
      primaryMetric: CAMPAIGN_METRICS.primary,
      secondaryMetrics: [...CAMPAIGN_METRICS.secondary],
      grossMarginBps: test.grossMarginPercent * 100,
      status: "running",
      launchedAt: now,
      exposureTrigger: "message",
      variants: { create: arms.map((a, position) => ({ ...a, position })) },
    },
  });
  return experiment.id;
}

/** The arm of a member in a campaign's running test (null: the campaign is not tested). */
export function armOf(
  shop: string,
  experiment: CampaignExperiment | null,
  customerId: bigint,
): ArmChoice | null {
  return experiment ? campaignArm(shop, experiment, customerId) : null;
}

/** Exposes the member to their arm at the (would-be) send: once per member and experiment. */
export function exposeArm(
  tx: Db,
  shop: string,
  experiment: CampaignExperiment,
  customerId: bigint,
  armKey: string,
  at: Date,
) {
  return insertExposures(
    (sql, params) => tx.$executeRawUnsafe(sql, ...params),
    shop,
    [{ experimentId: experiment.id, customerId, variantKey: qualifiedKey(experiment.key, armKey), at }],
    "message",
  );
}
