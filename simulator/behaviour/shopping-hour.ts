import type { SimCustomer } from "../customers/customers";
import { timeOfDayMs, type Calendar } from "../model/calendar";
import type { ShopParams } from "../model/params";
import { hashString, Rng } from "../random/rng";
import { normal } from "../random/samplers";

// A customer's preferred shopping hour (params.shoppingHour; the simulator's clock is UTC).
// The hour and each order's draw come from the customer's own stream (seed, "shopping-hour",
// index), apart from the stream that made their orders, so switching it on moves order clock
// times and nothing else: same orders, days, baskets and refunds.

const HOUR_MS = 3_600_000;

export class ShoppingHour {
  /** The true preferred hour (0–23, UTC), what the app's send-time model should recover. */
  readonly hour: number;
  private readonly rng: Rng;

  constructor(
    private readonly calendar: Calendar,
    seed: number,
    c: Pick<SimCustomer, "index">,
    private readonly prefs: NonNullable<ShopParams["shoppingHour"]>,
  ) {
    this.rng = new Rng((seed ^ hashString("shopping-hour")) | 0, c.index);
    this.hour = Math.floor(timeOfDayMs(calendar, this.rng.float()) / HOUR_MS);
  }

  /** Milliseconds since midnight of an order whose shop-curve fraction is `fraction`. */
  timeOfDayMs(fraction: number): number {
    if (!this.rng.chance(this.prefs.share)) return timeOfDayMs(this.calendar, fraction);
    const hours = this.hour + 0.5 + normal(this.rng, 0, this.prefs.spreadHours);
    return Math.floor((((hours % 24) + 24) % 24) * HOUR_MS);
  }
}

/** The customer's true preferred hour, or null when the shop has no shopping-hour model. */
export function preferredShoppingHour(
  params: ShopParams,
  calendar: Calendar,
  c: Pick<SimCustomer, "index">,
): number | null {
  return params.shoppingHour ? new ShoppingHour(calendar, params.seed, c, params.shoppingHour).hour : null;
}
