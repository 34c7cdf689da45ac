// Builders shared by this folder's tests: a valid program and order with only the fields a test cares about overridden.
import type { EarningLine, EarningOrder } from "./earning";
import { programSchema, type Program, type ProgramInput } from "./program";

export function program(overrides: Partial<ProgramInput> = {}): Program {
  return programSchema.parse({ currency: "USD", ...overrides });
}

export function line(overrides: Partial<EarningLine> = {}): EarningLine {
  return {
    id: "l1",
    productId: "p1",
    collectionIds: [],
    tags: [],
    quantity: 1,
    unitPriceMinor: 1000,
    discountAllocationsMinor: [],
    ...overrides,
  };
}

export function order(overrides: Partial<EarningOrder> = {}): EarningOrder {
  return {
    id: "o1",
    currency: "USD",
    placedAt: new Date("2025-06-01T12:00:00Z"),
    lines: [line()],
    shippingMinor: 0,
    taxMinor: 0,
    ...overrides,
  };
}

export const NOW = new Date("2025-06-01T12:05:00Z");
