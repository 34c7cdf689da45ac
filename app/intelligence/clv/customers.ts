// What the lifetime-value models take per customer, and the grouping that makes a million
// customers cheap: BG/NBD's likelihood depends on a customer only through (x, t_x, T), so
// identical rows are summed once with a weight, and each distinct x, t_x and T value gets
// its own table so that per-evaluation logs and gammas are computed once per distinct value.

/**
 * One customer's purchase summary, in any time unit (days for shops, weeks for CDNOW),
 * measured from their first purchase. Purchases on the same day count as one.
 */
export type CustomerSummary = {
  /** Repeat purchases: purchase days after the first, up to the end of the observation. */
  x: number;
  /** Time of the last purchase (0 when x = 0). */
  tx: number;
  /** Time from the first purchase to the end of the observation. */
  T: number;
  /** Mean spend per repeat purchase (major units); needed for Gamma-Gamma and CLV. */
  spend?: number;
};

/** Identical (x, t_x, T) rows collapsed, with tables of the distinct values. */
export type GroupedSummaries = {
  customers: number;
  repeatBuyers: number;
  xs: Float64Array;
  txs: Float64Array;
  Ts: Float64Array;
  /** Per group: index into xs, txs and Ts, and how many customers share it. */
  groupX: Uint32Array;
  groupTx: Uint32Array;
  groupT: Uint32Array;
  count: Float64Array;
};

/** The first invalid row, described for the merchant-facing reason, or null. */
export function invalidSummary(customers: readonly CustomerSummary[]): string | null {
  for (let i = 0; i < customers.length; i++) {
    const { x, tx, T } = customers[i]!;
    if (!(Number.isInteger(x) && x >= 0))
      return `customer ${i}: repeat purchases must be a whole number ≥ 0 (got ${x})`;
    if (!(Number.isFinite(T) && T >= 0))
      return `customer ${i}: time since first purchase must be ≥ 0 (got ${T})`;
    if (!(Number.isFinite(tx) && tx >= 0 && tx <= T))
      return `customer ${i}: last purchase must lie between the first purchase and the end (got ${tx} of ${T})`;
    if (x === 0 && tx !== 0)
      return `customer ${i}: a customer with no repeat purchase has t_x = 0 (got ${tx})`;
    if (x > 0 && tx === 0) return `customer ${i}: a repeat purchase happens after the first (t_x > 0)`;
  }
  return null;
}

class ValueTable {
  private readonly index = new Map<number, number>();
  readonly values: number[] = [];
  of(value: number): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.index.set(value, i);
      this.values.push(value);
    }
    return i;
  }
}

const SAMPLE = 20_000;

/**
 * Groups valid summaries (see `invalidSummary`) by identical (x, t_x, T). Whole days (or
 * weeks) leave a few hundred distinct T values and grouping collapses a million customers
 * to a third; times from order timestamps are nearly all distinct, and hashing a million
 * of them costs more than it saves. So when a sample's T values are mostly distinct, each
 * customer is its own group and only x is tabled.
 */
export function groupSummaries(customers: readonly CustomerSummary[]): GroupedSummaries {
  if (customers.length > SAMPLE) {
    const distinctT = new Set<number>();
    for (let i = 0; i < SAMPLE; i++) distinctT.add(customers[i]!.T);
    if (distinctT.size > SAMPLE / 4) return ungrouped(customers);
  }
  return grouped(customers);
}

function ungrouped(customers: readonly CustomerSummary[]): GroupedSummaries {
  const n = customers.length;
  const xTable = new ValueTable();
  const groupX = new Uint32Array(n);
  const txs = new Float64Array(n);
  const Ts = new Float64Array(n);
  let repeatBuyers = 0;
  for (let i = 0; i < n; i++) {
    const c = customers[i]!;
    groupX[i] = xTable.of(c.x);
    txs[i] = c.tx;
    Ts[i] = c.T;
    if (c.x > 0) repeatBuyers++;
  }
  const identity = new Uint32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  return {
    customers: n,
    repeatBuyers,
    xs: Float64Array.from(xTable.values),
    txs,
    Ts,
    groupX,
    groupTx: identity,
    groupT: identity,
    count: new Float64Array(n).fill(1),
  };
}

function grouped(customers: readonly CustomerSummary[]): GroupedSummaries {
  const xTable = new ValueTable();
  const txTable = new ValueTable();
  const TTable = new ValueTable();
  const n = customers.length;
  const ix = new Uint32Array(n);
  const itx = new Uint32Array(n);
  const iT = new Uint32Array(n);
  let repeatBuyers = 0;
  for (let i = 0; i < n; i++) {
    const c = customers[i]!;
    ix[i] = xTable.of(c.x);
    itx[i] = txTable.of(c.tx);
    iT[i] = TTable.of(c.T);
    if (c.x > 0) repeatBuyers++;
  }
  const nTx = txTable.values.length;
  const nT = TTable.values.length;
  // One number per (x, t_x, T) index triple while it stays an exact integer, else a string.
  const numeric = xTable.values.length * nTx * nT < Number.MAX_SAFE_INTEGER;
  const groups = new Map<number | string, number>();
  const gx: number[] = [];
  const gtx: number[] = [];
  const gT: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = numeric ? (ix[i]! * nTx + itx[i]!) * nT + iT[i]! : `${ix[i]}|${itx[i]}|${iT[i]}`;
    const g = groups.get(key);
    if (g !== undefined) count[g]!++;
    else {
      groups.set(key, count.length);
      gx.push(ix[i]!);
      gtx.push(itx[i]!);
      gT.push(iT[i]!);
      count.push(1);
    }
  }
  return {
    customers: n,
    repeatBuyers,
    xs: Float64Array.from(xTable.values),
    txs: Float64Array.from(txTable.values),
    Ts: Float64Array.from(TTable.values),
    groupX: Uint32Array.from(gx),
    groupTx: Uint32Array.from(gtx),
    groupT: Uint32Array.from(gT),
    count: Float64Array.from(count),
  };
}
