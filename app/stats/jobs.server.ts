import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";

/**
 * Asks the worker to recompute a shop's dashboard aggregates. After a backfill pass
 * `full`, since replayed history carries old dates the scheduled refresh only catches
 * through the ledger id it has seen.
 */
export async function enqueueStatsRefresh(shop: string, options: { full?: boolean } = {}): Promise<void> {
  await enqueue(QUEUE.maintenance, "refresh-loyalty-stats", {
    shop,
    ...(options.full ? { full: true } : {}),
  });
}
