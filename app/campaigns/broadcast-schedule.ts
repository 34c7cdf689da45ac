// A broadcast's send time as the merchant gives it: a date and a time on the shop's clock
// (Shop.ianaTimezone), turned into the instant it names.

export type LocalDateTime = { date: string; time: string };

/** The shop-local wall-clock reading of an instant, as milliseconds of a UTC date with the same fields. */
function wallClock(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
}

/**
 * The instant a shop-local date and time ("2027-03-14", "09:30") names, or a reason it names
 * none: a malformed value, or a time the clocks skip on that day. A time the clocks pass twice
 * is the first of the two.
 */
export function shopLocalInstant(
  input: LocalDateTime,
  timeZone: string,
): { ok: true; at: Date } | { ok: false; field: "date" | "time"; message: string } {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.date.trim());
  if (!d) return { ok: false, field: "date", message: "A date such as 2027-03-14." };
  const t = /^(\d{1,2}):(\d{2})$/.exec(input.time.trim());
  if (!t) return { ok: false, field: "time", message: "A time such as 09:30." };
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as number[];
  if (hour! > 23 || minute! > 59) return { ok: false, field: "time", message: "A time such as 09:30." };
  const wanted = Date.UTC(year!, month! - 1, day!, hour!, minute!);
  const check = new Date(wanted);
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day!)
    return { ok: false, field: "date", message: "That date does not exist." };
  // The offset before and after the guess covers a change of clocks near it; the earlier fit wins.
  const candidates = [wanted - 36 * 3_600_000, wanted, wanted + 36 * 3_600_000]
    .map((probe) => wanted - (wallClock(probe, timeZone) - probe))
    .filter((at) => wallClock(at, timeZone) === wanted)
    .sort((a, b) => a - b);
  if (!candidates.length)
    return { ok: false, field: "time", message: "The clocks skip that time on that day; choose another." };
  return { ok: true, at: new Date(candidates[0]!) };
}
