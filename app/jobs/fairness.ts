// Per-shop fairness of the webhooks queue (docs/decisions/0059-tenant-fair-queues.md).
//
// Each web process keeps, per shop, the inbox rows it enqueued over the last few seconds
// (an exponentially decayed count). A shop sending more than HEAVY_SHARE of all the rows
// while others are sending too gets a BullMQ priority that grows with its share (1 at 5%,
// 2 at 10%, 3 at 20%, …): jobs without a priority are always taken first, so the quiet
// shops' deliveries go ahead of a flash sale's backlog, and the heavy shop still gets every
// worker slot the others leave idle (the queue never holds work back). A share, not a
// rate, so two web processes behind one port, each seeing half of every shop, agree.

/** Half-life of the decayed counts: a burst counts for a few seconds after it ends. */
export const FAIRNESS_HALF_LIFE_MS = 5_000;
/** Share of the recent rows above which a shop is heavy. */
export const HEAVY_SHARE = 0.05;
/** Recent rows (decayed) a shop needs before it can be heavy: a few deliveries never are. */
export const HEAVY_MIN_ROWS = 100;
/** Recent rows (decayed) of the other shops below which there is nobody to be fair to. */
export const OTHERS_MIN_ROWS = 20;
/** A guard: a whole share (1.0) gives 1 + floor(log2(1 / HEAVY_SHARE)) = 5. */
export const MAX_FAIRNESS_PRIORITY = 8;

type Tally = { rows: number; at: number };

export class ShopShares {
  private readonly shops = new Map<string, Tally>();
  private total: Tally = { rows: 0, at: 0 };
  private sinceSweep = 0;

  constructor(private readonly halfLifeMs = FAIRNESS_HALF_LIFE_MS) {}

  private decayed(tally: Tally, now: number): number {
    return tally.rows * 2 ** (-(now - tally.at) / this.halfLifeMs);
  }

  /** Counts `rows` enqueued for `shop` at `now` (ms) and returns the priority for their jobs. */
  add(shop: string, rows: number, now: number): number {
    const tally = this.shops.get(shop) ?? { rows: 0, at: now };
    const mine = this.decayed(tally, now) + rows;
    this.shops.set(shop, { rows: mine, at: now });
    const all = this.decayed(this.total, now) + rows;
    this.total = { rows: all, at: now };
    if (++this.sinceSweep >= 10_000) this.sweep(now);
    return fairnessPriority(mine, all);
  }

  /** Forgets shops whose count has decayed to nothing (a process sees every shop in time). */
  private sweep(now: number) {
    this.sinceSweep = 0;
    for (const [shop, tally] of this.shops) if (this.decayed(tally, now) < 0.5) this.shops.delete(shop);
  }

  get size(): number {
    return this.shops.size;
  }
}

/**
 * The BullMQ priority of a shop's jobs from its recent rows and everyone's: 0 (first) unless
 * the shop is heavy, else 1 + log2(share / HEAVY_SHARE), so the heaviest shop goes last.
 */
export function fairnessPriority(mine: number, all: number): number {
  if (mine < HEAVY_MIN_ROWS || all - mine < OTHERS_MIN_ROWS) return 0;
  const share = mine / all;
  if (share < HEAVY_SHARE) return 0;
  return Math.min(MAX_FAIRNESS_PRIORITY, 1 + Math.floor(Math.log2(share / HEAVY_SHARE)));
}
