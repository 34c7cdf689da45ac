// Builders shared by this folder's tests: a valid program and order with only the fields a test cares about overridden.
import type { EarningLine, EarningOrder } from "../../app/loyalty/earning";
import type { LedgerEntry, LedgerKind } from "../../app/loyalty/ledger";
import { programSchema, type Program, type ProgramInput } from "../../app/loyalty/program";

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

const T0 = Date.parse("2025-01-01T00:00:00Z");

/** Day `day` after 2025-01-01, the ledger tests' time axis. */
export const at = (day: number) => new Date(T0 + day * 86_400_000);

/** An available ledger entry on day `day`; `extra` overrides any field. */
export function entry(
  key: string,
  kind: LedgerKind,
  points: number,
  day: number,
  extra: Partial<LedgerEntry> = {},
): LedgerEntry {
  return { key, kind, points, bucket: "available", occurredAt: at(day), programVersion: 1, ...extra };
}
