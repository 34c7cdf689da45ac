import { z } from "zod";

/** Money is always integer minor units plus an ISO 4217 code; never a float of major units. */
export interface Money {
  amountMinor: number;
  currency: string;
}

export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: "Use a three-letter ISO currency code, such as USD." });

export const minorAmountSchema = z
  .int({ error: "Enter a whole amount in the currency's smallest unit (e.g. cents)." })
  .min(0, { error: "The amount cannot be negative." });

export const moneySchema = z.object({ amountMinor: minorAmountSchema, currency: currencyCodeSchema });

const exponentCache = new Map<string, number>();

/**
 * How many minor units make one major unit (100 for USD, 1 for JPY, 1000 for KWD).
 * Taken from ICU through Intl so it matches how Shopify formats the same currency.
 */
export function minorUnitsPerMajor(currency: string): number {
  let digits = exponentCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    exponentCache.set(currency, digits);
  }
  return 10 ** digits;
}

/** Converts minor units to (possibly fractional) major units, e.g. 8050 USD → 80.5. */
export function toMajor(amountMinor: number, currency: string): number {
  return amountMinor / minorUnitsPerMajor(currency);
}
