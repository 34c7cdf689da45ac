import type { Prisma, PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import type { OpenAiClient } from "~/openai.server";
import { type ChatJson } from "./openai";
import { scoreReviews } from "./score";
import { storeScores } from "./store.server";
import { summariseRecentReviews } from "./summary.server";

// One sentiment run of a shop, as the worker runs it: every review without a score, a page
// at a time, by OpenAI when a client is given (VADER for any review it could not score) or
// by VADER alone; then, with OpenAI, the summary of the last 90 days' reviews and the themes
// of the negative ones, stored on the run for the page to read.

/** Reviews read and written per page. */
export const SCORE_PAGE = 400;

const MAX_PASSES = 3;

type ReviewRow = {
  source: string;
  externalId: string;
  rating: number;
  title: string | null;
  body: string | null;
};

export type SentimentOutcome = { status: "computed" | "skipped"; scored: number };

export async function runSentimentRun(
  db: PrismaClient,
  runId: string,
  options: {
    now: Date;
    openAi: OpenAiClient | null;
    onProgress?: (progress: number) => Promise<unknown>;
    pageSize?: number;
  },
): Promise<SentimentOutcome> {
  const run = await db.sentimentRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return { status: "skipped", scored: 0 };
  const { shop } = run;
  const client = options.openAi;
  const chat: ChatJson | null = client ? (request) => client.json(request) : null;
  const log = logger();
  let reported = false;
  const onError = (error: unknown) => {
    // One warning per run: a shop with a broken key would otherwise log every batch.
    if (!reported) log.warn({ err: error, shop, runId }, "OpenAI could not score reviews; VADER scored them");
    reported = true;
  };
  const progress = async (stage: string, value: number) => {
    await db.sentimentRun.update({ where: { id: runId }, data: { stage, progress: value } });
    await options.onProgress?.(value);
  };
  await db.sentimentRun.update({ where: { id: runId }, data: { status: "running", startedAt: new Date() } });

  const unscored = { shop, sentiment: null, redactedAt: null } satisfies Prisma.ProductReviewWhereInput;
  const counts = { scored: 0, scoredOpenai: 0, fellBack: 0 };
  let total = await db.productReview.count({ where: unscored });
  await progress(`Scoring ${total} reviews`, 0.02);
  // Reviews imported while a pass runs may sort before its cursor: a second pass takes them.
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let after: { source: string; externalId: string } | null = null;
    for (;;) {
      const page: ReviewRow[] = await db.productReview.findMany({
        where: {
          ...unscored,
          ...(after && {
            OR: [
              { source: { gt: after.source } },
              { source: after.source, externalId: { gt: after.externalId } },
            ],
          }),
        },
        orderBy: [{ source: "asc" }, { externalId: "asc" }],
        take: options.pageSize ?? SCORE_PAGE,
        select: { source: true, externalId: true, rating: true, title: true, body: true },
      });
      if (page.length === 0) break;
      // Ids local to the page: the model sees neither the review app's ids nor the shop.
      const scores = await scoreReviews(
        page.map((r, i) => ({ id: String(i), rating: r.rating, title: r.title, body: r.body })),
        chat,
        onError,
      );
      counts.scored += await storeScores(db, shop, page, scores);
      counts.scoredOpenai += scores.filter((s) => s.source === "openai").length;
      counts.fellBack += scores.filter((s) => s.fellBack).length;
      after = page[page.length - 1]!;
      const done = Math.min(counts.scored, total);
      await progress(
        `Scored ${done} of ${total} reviews`,
        0.02 + (chat ? 0.78 : 0.96) * (done / Math.max(total, 1)),
      );
    }
    const left = await db.productReview.count({ where: unscored });
    if (left === 0) break;
    total = counts.scored + left;
  }

  const summary = chat
    ? await (async () => {
        await progress("Summarising recent reviews", 0.85);
        return summariseRecentReviews(db, shop, chat, options.now);
      })()
    : null;
  if (summary?.error)
    log.warn({ shop, runId, error: summary.error }, "OpenAI could not summarise the reviews");
  await db.sentimentRun.update({
    where: { id: runId },
    data: {
      status: "computed",
      ...counts,
      ...(summary && {
        summary: summary.text,
        negativeThemes: summary.negativeThemes as unknown as Prisma.InputJsonValue,
        summaryReviews: summary.reviews,
        summaryModel: client?.chatModel ?? null,
        summaryError: summary.error,
      }),
      reason: null,
      stage: null,
      progress: 1,
      computedAt: new Date(),
    },
  });
  return { status: "computed", scored: counts.scored };
}

/** Records that run `runId` stopped on an error (the worker's last attempt). */
export async function markSentimentFailed(db: PrismaClient, runId: string, message: string): Promise<void> {
  await db.sentimentRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: { status: "failed", reason: message, stage: null, computedAt: new Date() },
  });
}
