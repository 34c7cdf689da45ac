import type { ShopParams } from "../model/params";
import { Rng, hashString } from "../random/rng";

// The loyalty program a shop ran before installing the app (`params.pastLoyalty`): each
// customer earns points on their orders and, once a reward is affordable, pays some later
// orders with a reward code. The app's backfill finds these codes in the orders and
// imports them as past redemptions; `SimRedemption` is the record it is judged against.
//
// The balance here is deliberately conservative against the app's replay (1 point per unit
// of merchandise after discounts, floor, no tier multiplier, no bonus, refunded orders
// never count, a day's margin on the return window), so every code simulated here is one
// the app's replay finds the member could afford, and the two records match one for one.

export interface SimRedemption {
  orderId: number;
  customerId: number;
  /** The reward code on the order. */
  code: string;
  amountMinor: number;
  pointsCost: number;
  /** When the order was placed (the redemption's time in the app). */
  at: string;
}

type Config = NonNullable<ShopParams["pastLoyalty"]>;
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const SALT = hashString("past-loyalty");

export class PastLoyalty {
  private readonly lots: { opensAt: number; points: number }[] = [];
  private spent = 0;
  private readonly rng: Rng;

  constructor(
    private readonly config: Config,
    seed: number,
    customerId: number,
  ) {
    // Its own stream: the shop's other draws are the same with or without a past program.
    this.rng = new Rng((seed ^ SALT) | 0, customerId);
  }

  /** The reward this order pays with, if the customer redeems on it (`t` in days of history). */
  redeem(t: number, subtotalMinor: number): { code: string; amountMinor: number; pointsCost: number } | null {
    let balance = -this.spent;
    for (const lot of this.lots) if (lot.opensAt <= t) balance += lot.points;
    const affordable = this.config.rewards.filter(
      (r) => r.pointsCost <= balance && subtotalMinor >= Math.max(r.minimumSubtotalMinor, 2 * r.amountMinor),
    );
    if (affordable.length === 0 || !this.rng.chance(this.config.redeemChance)) return null;
    const reward = affordable.reduce((best, r) => (r.pointsCost > best.pointsCost ? r : best));
    this.spent += reward.pointsCost;
    let code = this.config.codePrefix;
    for (let i = 0; i < 8; i++) code += ALPHABET[this.rng.int(ALPHABET.length)];
    return { code, amountMinor: reward.amountMinor, pointsCost: reward.pointsCost };
  }

  /** The order's points, spendable once its return window closed; a refunded order earns none. */
  earn(t: number, netMinor: number, refunded: boolean): void {
    if (refunded) return;
    const points = Math.floor((netMinor / 100) * this.config.pointsPerUnit);
    if (points > 0) this.lots.push({ opensAt: t + this.config.pendingDays + 1, points });
  }
}
