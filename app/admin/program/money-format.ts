import { minorUnitsPerMajor } from "~/loyalty/money";

/** Formats minor units in the shop currency, e.g. 1234 USD → "$12.34". */
export function moneyFormatter(currency: string, maximumFractionDigits?: number): (minor: number) => string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits });
  const perMajor = minorUnitsPerMajor(currency);
  return (minor) => format.format(minor / perMajor);
}

/** "$100" in the shop currency: the unit of sales the program's cost is quoted per. */
export function hundredOf(currency: string): string {
  return moneyFormatter(currency, 0)(100 * minorUnitsPerMajor(currency));
}
