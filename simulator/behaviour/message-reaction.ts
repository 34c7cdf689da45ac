import type { Rng } from "../random/rng";
import { gamma } from "../random/samplers";
import type { MessageResponse } from "../scenario/schema";

// How a customer whose history is already written reacts to one message: whether they open
// it, click it, and the extra orders it brings over the following days (the purchase lift on
// top of the orders they place anyway, which stay as the history has them). The draws are the
// same whatever the message (common random numbers): the customer's reaction to each variant is
// a pure function of (customer, variant), so the demo's true lift is exact for its population.

export interface Reader {
  /** Still buying (not dropped out). */
  alive: boolean;
  lambdaPerYear: number;
  /** Gamma-Gamma order value (major units) ~ Gamma(spendShape, rate spendRate). */
  spendShape: number;
  spendRate: number;
  openRate: number;
  clickGivenOpen: number;
}

export interface MessageReaction {
  opened: boolean;
  clicked: boolean;
  /** Extra orders: the day after the message (0 = the day it arrived) and the value in minor units. */
  orders: Array<{ day: number; valueMinor: number }>;
}

/**
 * The reaction over `days` days to a message with `effect`, from `rng` (reseed it per
 * customer). Extra purchases arrive as a Poisson process at the customer's rate × the lift,
 * for `liftDays` after an open.
 */
export function reactToMessage(
  reader: Reader,
  effect: MessageResponse,
  rng: Rng,
  days: number,
): MessageReaction {
  const openDraw = rng.float();
  const clickDraw = rng.float();
  const opened = openDraw < Math.min(1, reader.openRate * effect.openMultiplier);
  const clicked = opened && clickDraw < Math.min(1, reader.clickGivenOpen * effect.clickMultiplier);
  const orders: MessageReaction["orders"] = [];
  const extraRate = (reader.lambdaPerYear / 365) * Math.max(0, effect.purchaseLift);
  for (let day = 0; day < days; day++) {
    // Drawn every day whatever the message, so every variant sees the same numbers.
    const buyDraw = rng.float();
    const valueMinor = Math.round(gamma(rng, reader.spendShape, 1 / reader.spendRate) * 100);
    if (opened && reader.alive && day < effect.liftDays && buyDraw < 1 - Math.exp(-extraRate))
      orders.push({ day, valueMinor });
  }
  return { opened, clicked, orders };
}
