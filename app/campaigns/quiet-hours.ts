// Quiet hours: shop-local hours in which a campaign sends nothing (a message that falls in
// them waits until they end). The window may wrap midnight (21 → 8).

export type QuietHours = { startHour: number; endHour: number };

/** The shop-local hour and minute of an instant. */
export function localTime(at: Date, timeZone: string): { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: part("hour"), minute: part("minute"), second: part("second") };
}

const inWindow = (hour: number, { startHour, endHour }: QuietHours) =>
  startHour < endHour ? hour >= startHour && hour < endHour : hour >= startHour || hour < endHour;

/**
 * When the quiet hours around `now` end, or null when `now` is outside them (or the window
 * is empty). Counted in local minutes, so on a night whose clocks change the wait is an
 * hour off; the message still goes out after the window, never inside it by more than that hour.
 */
export function quietHoursEnd(now: Date, timeZone: string, quiet: QuietHours | null): Date | null {
  if (!quiet || quiet.startHour === quiet.endHour) return null;
  const local = localTime(now, timeZone);
  if (!inWindow(local.hour, quiet)) return null;
  const nowMinutes = local.hour * 60 + local.minute;
  const wait = (quiet.endHour * 60 - nowMinutes + 24 * 60) % (24 * 60);
  return new Date(now.getTime() + wait * 60_000 - local.second * 1000 - now.getMilliseconds());
}
