// The CDNOW report: BG/NBD and Gamma-Gamma fitted on the 39 calibration weeks of the
// 2,357-customer sample (Fader, Hardie & Lee 2005), next to the published estimates, and the
// repeat purchases the model predicts for weeks 40-78 against what the customers did, in
// total and by the number of repeat purchases in the calibration period (the paper's
// conditional-expectations figure). Reads app/intelligence/clv/reference/cdnow-summary.json,
// which reference/compute.py derives from ../shared/data/cdnow/CDNOW_sample.txt.
//   npm run cdnow:report
import { conditionalExpectedPurchases, fitBgNbd } from "../app/intelligence/clv/bgnbd";
import { expectedAverageSpend, fitGammaGamma } from "../app/intelligence/clv/gamma-gamma";
import { discountedLifetimeValue } from "../app/intelligence/clv/lifetime-value";
import { cdnowCustomers, cdnowHoldout } from "../app/intelligence/clv/cdnow-fixture";

const HOLDOUT_WEEKS = 39;
const customers = cdnowCustomers;
const actual = cdnowHoldout;

const bg = fitBgNbd(customers);
const gg = fitGammaGamma(customers);
if (!bg.ok) throw new Error(bg.reason);
if (!gg.ok) throw new Error(gg.reason);

const line = (name: string, fitted: number, published: string, se: number | undefined) =>
  `  ${name.padEnd(5)} ${fitted.toFixed(4).padStart(10)}  ± ${(se ?? Number.NaN).toFixed(4).padStart(7)}   published ${published}`;
console.log(
  `BG/NBD on ${bg.customers.toLocaleString("en-US")} customers (${bg.repeatBuyers} repeat buyers), weeks 1-39:`,
);
console.log(line("r", bg.params.r, "0.243", bg.standardErrors?.r));
console.log(line("α", bg.params.alpha, "4.414", bg.standardErrors?.alpha));
console.log(line("a", bg.params.a, "0.793", bg.standardErrors?.a));
console.log(line("b", bg.params.b, "2.426", bg.standardErrors?.b));
console.log(`  LL ${bg.logLikelihood.toFixed(2).padStart(10)}              published −9582.4`);
console.log(`Gamma-Gamma on ${gg.customers} repeat buyers' mean spend per repeat purchase:`);
console.log(line("p", gg.params.p, "6.25", gg.standardErrors?.p));
console.log(line("q", gg.params.q, "3.74", gg.standardErrors?.q));
console.log(line("γ", gg.params.gamma, "15.44", gg.standardErrors?.gamma));
console.log(
  `  correlation of repeat purchases and mean spend ${gg.frequencySpendCorrelation.toFixed(2)} (published 0.11)`,
);

const predicted = customers.map((c) => conditionalExpectedPurchases(bg.params, HOLDOUT_WEEKS, c));
const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
console.log(
  `\nRepeat purchases in weeks 40-78: predicted ${sum(predicted).toFixed(1)}, actual ${sum(actual)} ` +
    `(published: about 1,653 predicted against 1,882 actual)`,
);
console.log("\nBy repeat purchases in weeks 1-39 (mean per customer in weeks 40-78):");
console.log("  x     customers   predicted   actual");
for (let x = 0; x <= 7; x++) {
  const members = customers
    .map((c, i) => i)
    .filter((i) => (x < 7 ? customers[i]!.x === x : customers[i]!.x >= 7));
  const mean = (values: number[]) => sum(members.map((i) => values[i]!)) / members.length;
  console.log(
    `  ${(x < 7 ? String(x) : "7+").padEnd(5)} ${String(members.length).padStart(9)} ${mean(predicted).toFixed(3).padStart(11)} ${mean(actual).toFixed(3).padStart(8)}`,
  );
}

const horizon = { months: 12, monthlyDiscountRate: 0.01, unitsPerMonth: 4.345 };
const values = customers.map((c) => discountedLifetimeValue(bg.params, gg.params, c, horizon) ?? 0);
const sorted = [...values].sort((a, b) => b - a);
console.log(
  `\nDiscounted 12-month CLV (1% a month): total $${sum(values).toFixed(0)}, mean $${(sum(values) / values.length).toFixed(2)}, ` +
    `top decile holds ${((100 * sum(sorted.slice(0, Math.ceil(values.length / 10)))) / sum(values)).toFixed(1)}%; ` +
    `population mean spend per purchase $${expectedAverageSpend(gg.params, 0, 0)!.toFixed(2)}`,
);
