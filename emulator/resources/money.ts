// Amounts are integer minor units inside the store and Shopify-style decimal strings on
// the wire ("25.0", "12.5", "9.99"), so the app's parsing is exercised as in production.

const ZERO_DECIMAL_CURRENCIES = new Set(["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG"]);

export function currencyExponent(currencyCode: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currencyCode) ? 0 : 2;
}

export function toMinorUnits(amount: string | number, currencyCode: string): number {
  const text = typeof amount === "number" ? amount.toFixed(currencyExponent(currencyCode)) : amount.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const exponent = currencyExponent(currencyCode);
  const fraction = (match[3] ?? "").padEnd(exponent, "0");
  if (fraction.length > exponent && /[^0]/.test(fraction.slice(exponent))) {
    throw new Error(`${text} has more decimals than ${currencyCode} allows`);
  }
  const minor = Number(match[2]) * 10 ** exponent + Number(fraction.slice(0, exponent) || "0");
  return match[1] ? -minor : minor;
}

export function formatDecimal(minor: number, currencyCode: string): string {
  const exponent = currencyExponent(currencyCode);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  if (exponent === 0) return `${sign}${abs}.0`;
  const whole = Math.floor(abs / 10 ** exponent);
  const fraction = String(abs % 10 ** exponent)
    .padStart(exponent, "0")
    .replace(/0+$/, "");
  return `${sign}${whole}.${fraction || "0"}`;
}

export type MoneyV2 = { amount: string; currencyCode: string };
export type MoneyBag = { shopMoney: MoneyV2; presentmentMoney: MoneyV2 };

export function moneyBag(minor: number, currencyCode: string): MoneyBag {
  const money = { amount: formatDecimal(minor, currencyCode), currencyCode };
  return { shopMoney: money, presentmentMoney: money };
}

/** Splits `total` over `weights` proportionally, with remainders going to the largest shares. */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const raw = weights.map((w) => (total * w) / sum);
  const shares = raw.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}
