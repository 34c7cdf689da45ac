import type { ShopParams } from "./params";

// Time in the generator is a float number of days since `startMs` (UTC midnight at the
// start of history). The purchase intensity is constant within a day; `cumulative[d]` is
// the integrated intensity before day d in *years of average intensity*, so a customer
// with λ purchases per year makes λ · (cumulative[b] − cumulative[a]) purchases on average
// between days a and b. Drawing E ~ Exp(1) and inverting the cumulative gives the next
// purchase exactly (time-change of a Poisson process), without rejection.

export const DAY_MS = 86_400_000;

export interface Calendar {
  startMs: number;
  endMs: number;
  /** Days of history. */
  historyDays: number;
  /** Days covered by the tables: history plus the ground-truth horizon. */
  days: number;
  /** Purchase-rate multiplier per day (mean 1 over the last year of history). */
  intensity: Float64Array;
  /** Length days + 1; cumulative[d] = Σ_{j<d} intensity[j] / 365. */
  cumulative: Float64Array;
  /** Length historyDays + 1: integrated acquisition density, normalised to end at 1. */
  acquisition: Float64Array;
  /** Length days + 1: number of email campaigns sent before day d. */
  campaignsBefore: Int32Array;
  /** Day index of each Black Friday inside the tables. */
  blackFridays: number[];
  /** Cumulative intraday distribution of order times over 24 hours (length 25). */
  intraday: Float64Array;
  /** "YYYY-MM-DDT" of each day in the tables, for fast ISO timestamps. */
  dayPrefix: string[];
}

const INTRADAY = [
  0.012, 0.007, 0.005, 0.004, 0.005, 0.009, 0.018, 0.03, 0.042, 0.05, 0.054, 0.058, 0.062, 0.06, 0.055, 0.052,
  0.052, 0.055, 0.06, 0.068, 0.071, 0.064, 0.046, 0.027,
];

export function buildCalendar(params: ShopParams): Calendar {
  const endMs = Date.parse(params.historyEnd);
  const end = new Date(endMs);
  const startMs = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - params.historyMonths, end.getUTCDate());
  const historyDays = Math.round((endMs - startMs) / DAY_MS);
  const days = historyDays + params.horizonDays;

  const raw = new Float64Array(days);
  const blackFridays: number[] = [];
  const { monthly, weekday } = params.seasonality;
  for (let d = 0; d < days; d++) {
    const date = new Date(startMs + d * DAY_MS);
    const dow = (date.getUTCDay() + 6) % 7;
    raw[d] = (monthly[date.getUTCMonth()] as number) * (weekday[dow] as number) * peak(date, params);
    if (isBlackFriday(date)) blackFridays.push(d);
  }
  // Normalise over the last 365 days of history, so λ keeps its "per year" meaning.
  let sum = 0;
  const from = Math.max(0, historyDays - 365);
  for (let d = from; d < historyDays; d++) sum += raw[d] as number;
  const norm = (historyDays - from) / sum;
  const intensity = raw.map((x) => x * norm);
  const cumulative = new Float64Array(days + 1);
  for (let d = 0; d < days; d++)
    cumulative[d + 1] = (cumulative[d] as number) + (intensity[d] as number) / 365;

  const acquisition = new Float64Array(historyDays + 1);
  for (let d = 0; d < historyDays; d++) {
    const growth = Math.pow(params.acquisitionGrowth, d / historyDays);
    acquisition[d + 1] = (acquisition[d] as number) + growth * Math.sqrt(intensity[d] as number);
  }
  const total = acquisition[historyDays] as number;
  for (let d = 0; d <= historyDays; d++) acquisition[d] = (acquisition[d] as number) / total;

  const campaignsBefore = new Int32Array(days + 1);
  const interval = 30.4 / params.email.campaignsPerMonth;
  let nextSend = interval / 2;
  for (let d = 0; d < days; d++) {
    let sent = 0;
    while (nextSend < d + 1) {
      sent++;
      nextSend += interval;
    }
    if (blackFridays.some((bf) => d >= bf - 3 && d <= bf + 3) && sent === 0) sent = 1;
    campaignsBefore[d + 1] = (campaignsBefore[d] as number) + sent;
  }

  const intraday = new Float64Array(25);
  const intradayTotal = INTRADAY.reduce((a, b) => a + b, 0);
  INTRADAY.forEach((w, h) => (intraday[h + 1] = (intraday[h] as number) + w / intradayTotal));

  const dayPrefix = Array.from({ length: days }, (_, d) =>
    new Date(startMs + d * DAY_MS).toISOString().slice(0, 11),
  );
  return {
    startMs,
    endMs,
    historyDays,
    days,
    intensity,
    cumulative,
    acquisition,
    campaignsBefore,
    blackFridays,
    intraday,
    dayPrefix,
  };
}

function isBlackFriday(date: Date): boolean {
  if (date.getUTCMonth() !== 10 || date.getUTCDay() !== 5) return false;
  // The day after the fourth Thursday of November: the 23rd to the 29th.
  const day = date.getUTCDate();
  return day >= 23 && day <= 29;
}

function peak(date: Date, params: ShopParams): number {
  const { blackFriday, cyberMonday, peakWeekend } = params.seasonality;
  const friday = (offset: number) => isBlackFriday(new Date(date.getTime() - offset * DAY_MS));
  if (friday(0)) return blackFriday;
  if (friday(1) || friday(2)) return peakWeekend;
  if (friday(3)) return cyberMonday;
  return 1;
}

/** Integrated intensity (years of average intensity) from day 0 to time t (days, may be fractional). */
export function cumulativeAt(calendar: Calendar, t: number): number {
  const last = calendar.days;
  if (t >= last) return calendar.cumulative[last] as number;
  const d = Math.floor(t);
  return (calendar.cumulative[d] as number) + ((t - d) * (calendar.intensity[d] as number)) / 365;
}

/** The time at which the integrated intensity reaches `target`, or Infinity past the tables. */
export function timeAtCumulative(calendar: Calendar, target: number, fromDay = 0): number {
  const cum = calendar.cumulative;
  if (target >= (cum[calendar.days] as number)) return Infinity;
  let lo = fromDay;
  let hi = calendar.days;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((cum[mid] as number) <= target) lo = mid;
    else hi = mid;
  }
  return lo + ((target - (cum[lo] as number)) * 365) / (calendar.intensity[lo] as number);
}

/** Day (fractional) at which a customer is acquired, from a uniform u in [0, 1). */
export function acquisitionDay(calendar: Calendar, u: number): number {
  const acq = calendar.acquisition;
  let lo = 0;
  let hi = calendar.historyDays;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((acq[mid] as number) <= u) lo = mid;
    else hi = mid;
  }
  const width = (acq[lo + 1] as number) - (acq[lo] as number);
  return lo + (width > 0 ? (u - (acq[lo] as number)) / width : 0);
}

/** Milliseconds since midnight for a within-day fraction, following the intraday order curve. */
export function timeOfDayMs(calendar: Calendar, fraction: number): number {
  const c = calendar.intraday;
  let h = 0;
  while (h < 23 && (c[h + 1] as number) <= fraction) h++;
  const width = (c[h + 1] as number) - (c[h] as number);
  return Math.floor((h + (fraction - (c[h] as number)) / width) * 3_600_000);
}

/** Date#toISOString for a millisecond time, without allocating a Date (hot path). */
export function isoAt(calendar: Calendar, ms: number): string {
  const offset = ms - calendar.startMs;
  const day = Math.floor(offset / DAY_MS);
  const prefix = calendar.dayPrefix[day];
  if (prefix === undefined) return new Date(ms).toISOString();
  let rest = Math.floor(offset - day * DAY_MS);
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${prefix}${two(hour)}:${two(minute)}:${two(second)}.${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
