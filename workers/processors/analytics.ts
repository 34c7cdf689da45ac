import { UnrecoverableError, type Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { updateBandits } from "~/experiments/bandit.server";
import { evaluateAutoApplies } from "~/experiments/auto-apply.server";
import { markChurnFailed, runChurnRun } from "~/intelligence/churn/run.server";
import { markFitFailed, runLifetimeValueFit } from "~/intelligence/clv/fit.server";
import { markPicksFailed, runWeeklyPicks } from "~/intelligence/picks/run.server";
import { requestWeeklyPicks } from "~/intelligence/picks/start.server";
import { markRecommendationFailed, runRecommendationRun } from "~/intelligence/recommendations/run.server";
import { requestRecommendationRun } from "~/intelligence/recommendations/start.server";
import { markRewardRunFailed, runRewardRecommendationRun } from "~/intelligence/rewards/run.server";
import { computeSegments } from "~/intelligence/segments/compute.server";
import { markScoringFailed } from "~/intelligence/scoring/run.server";
import { requestScoringRun } from "~/intelligence/scoring/start.server";
import { runScoringInThread } from "~/intelligence/scoring/thread.server";
import { markSentimentFailed, runSentimentRun } from "~/intelligence/sentiment/run.server";
import { requestSentimentScoring } from "~/intelligence/sentiment/start.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import { openAi } from "~/openai.server";

const SHOP_PAGE = 1_000;

// The intelligence models' jobs: the scheduled fan-outs (nightly scorings, review sentiment and product recommendations; weekly picks) over
// the installed shops, one shop's full scoring, and one shop's lifetime-value fit, segment
// run, churn run, reward recommendations, sentiment run, product recommendations or weekly picks on demand (each keyed by its row's id, so a repeat adds nothing).

export function analyticsProcessor(db: PrismaClient) {
  return async (job: Job) => {
    switch (job.name) {
      case "schedule-scoring":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await forEachShop(db, (domain) => requestScoringRun(db, domain, "schedule")) };
      case "score-shop": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "score-shop">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runScoringInThread(runId, {
            now: new Date(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markScoringFailed(
              db,
              runId,
              "The scoring stopped on an error; every model keeps its previous results.",
            );
          throw error;
        }
      }
      case "fit-lifetime-value": {
        const { fitId } = parseJobData<typeof QUEUE.analytics, "fit-lifetime-value">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runLifetimeValueFit(db, fitId, {
            now: new Date(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          // The fit stays "running" while BullMQ retries; the last attempt records the failure.
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markFitFailed(
              db,
              fitId,
              "The computation stopped on an error; the previous values stay in use.",
            );
          throw error;
        }
      }
      case "compute-segments": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "compute-segments">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        return computeSegments(db, runId, { now: new Date(), onProgress: (p) => job.updateProgress(p) });
      }
      case "compute-churn": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "compute-churn">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runChurnRun(db, runId, {
            now: new Date(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markChurnFailed(
              db,
              runId,
              "The computation stopped on an error; the previous risks stay in use.",
            );
          throw error;
        }
      }
      case "schedule-sentiment":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await forEachShop(db, (domain) => requestSentimentScoring(domain, "schedule", db)) };
      case "score-sentiment": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "score-sentiment">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runSentimentRun(db, runId, {
            now: new Date(),
            openAi: openAi(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markSentimentFailed(
              db,
              runId,
              "The scoring stopped on an error; the scores written before it stay.",
            );
          throw error;
        }
      }
      case "schedule-weekly-picks":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await forEachShop(db, (domain) => requestWeeklyPicks(db, domain, "schedule")) };
      case "compute-weekly-picks": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "compute-weekly-picks">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runWeeklyPicks(db, runId, {
            now: new Date(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markPicksFailed(
              db,
              runId,
              "The computation stopped on an error; the previous picks stay shown.",
            );
          throw error;
        }
      }
      case "schedule-recommendations":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await forEachShop(db, (domain) => requestRecommendationRun(db, domain, "schedule")) };
      case "compute-recommendations": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "compute-recommendations">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runRecommendationRun(db, runId, {
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markRecommendationFailed(
              db,
              runId,
              "The computation stopped on an error; the previous recommendations stay in use.",
            );
          throw error;
        }
      }
      case "compute-reward-recommendations": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "compute-reward-recommendations">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runRewardRecommendationRun(db, runId, {
            now: new Date(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markRewardRunFailed(
              db,
              runId,
              "The computation stopped on an error; the previous recommendations stay in use.",
            );
          throw error;
        }
      }
      case "update-bandits": {
        parseJobData(QUEUE.analytics, job.name, job.data);
        const now = new Date();
        const updated = await updateBandits(db, now);
        return { ...updated, autoApply: await evaluateAutoApplies(db, now, { afterBanditUpdate: true }) };
      }
      case "evaluate-auto-apply":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return evaluateAutoApplies(db, new Date());
      default:
        parseJobData(QUEUE.analytics, job.name, job.data);
        throw new UnrecoverableError(`analytics job "${job.name}" has a schema but no processor`);
    }
  };
}

/** Calls `each` for every installed shop, a page at a time; answers how many there were. */
async function forEachShop(db: PrismaClient, each: (domain: string) => Promise<unknown>): Promise<number> {
  let after = "";
  let total = 0;
  for (;;) {
    const shops = await db.shop.findMany({
      where: { status: "installed", domain: { gt: after } },
      orderBy: { domain: "asc" },
      take: SHOP_PAGE,
      select: { domain: true },
    });
    if (shops.length === 0) return total;
    for (const { domain } of shops) await each(domain);
    total += shops.length;
    after = shops[shops.length - 1]!.domain;
  }
}
