// Batches running at once in one worker process: at most `perShop` of one shop (a few
// large batches of a shop beat many small ones that queue on each other's locks) and
// `total` in all (the batch pool's connections). Batches of different shops take no common
// lock, so many small shops run side by side, and one shop's flash sale never holds more
// than `perShop` of the slots (docs/decisions/0059-tenant-fair-queues.md). Waiters are
// served in arrival order, skipping those whose shop is at its cap. A batch waiting for
// another worker process's batch of its shop parks: it keeps its shop's slot (this process
// still runs one batch of the shop at a time) and gives its share of the total to other
// shops meanwhile (ADR 0062).

export class BatchSlots {
  private running = 0;
  private readonly byShop = new Map<string, number>();
  /** `parked`: holds its shop's slot already and waits for a share of the total only. */
  private readonly waiting: { shop: string; parked: boolean; resolve: () => void }[] = [];

  constructor(
    readonly perShop: number,
    readonly total: number,
  ) {}

  private free(shop: string): boolean {
    return this.running < this.total && (this.byShop.get(shop) ?? 0) < this.perShop;
  }

  private take(shop: string) {
    this.running++;
    this.byShop.set(shop, (this.byShop.get(shop) ?? 0) + 1);
  }

  /**
   * Resolves once the shop has a slot. After every release the waiters that could run
   * have been started, so a free slot now wrongs nobody still waiting.
   */
  async acquire(shop: string): Promise<void> {
    if (this.free(shop)) {
      this.take(shop);
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push({ shop, parked: false, resolve }));
  }

  release(shop: string) {
    this.running--;
    const left = (this.byShop.get(shop) ?? 1) - 1;
    if (left > 0) this.byShop.set(shop, left);
    else this.byShop.delete(shop);
    this.serve();
  }

  /** Gives the slot's share of the total to others while keeping the shop's; `unpark` takes a share back. */
  park() {
    this.running--;
    this.serve();
  }

  /**
   * Resolves once the parked slot has a share of the total again. A free share now wrongs no
   * waiter: after every release and park the waiters that could run have been started.
   */
  async unpark(shop: string): Promise<void> {
    if (this.running < this.total) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push({ shop, parked: true, resolve }));
  }

  private serve() {
    for (let i = 0; i < this.waiting.length && this.running < this.total;) {
      const next = this.waiting[i]!;
      if (!next.parked && !this.free(next.shop)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      if (next.parked) this.running++;
      else this.take(next.shop);
      next.resolve();
    }
  }

  get busy(): number {
    return this.running;
  }
}
