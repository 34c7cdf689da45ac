// One way to write a moment on every admin page: in the shop's time zone, with the zone
// named, e.g. "Mar 10, 2026, 10:05 AM EDT". Computed on the server so the page reads the
// same after hydration.

const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
};

function formatter(options: Intl.DateTimeFormatOptions, timeZone: string | null | undefined) {
  try {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: timeZone ?? "UTC" });
  } catch {
    // A zone this runtime does not know: UTC, named as such, rather than a failed page.
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
  }
}

export function formatDateTime(iso: string | Date, timeZone: string | null | undefined): string {
  return formatter(DATE_TIME, timeZone).format(new Date(iso));
}

/** A calendar day (YYYY-MM-DD, already in the shop's zone) as "Mar 10, 2026". */
export function formatCalendarDay(day: string): string {
  return formatter({ dateStyle: "medium" }, "UTC").format(new Date(`${day}T00:00:00Z`));
}

/** Two calendar days as one range: "Feb 9 – Mar 10, 2026". */
export function formatDayRange(from: string, to: string): string {
  return formatter({ month: "short", day: "numeric", year: "numeric" }, "UTC").formatRange(
    new Date(`${from}T00:00:00Z`),
    new Date(`${to}T00:00:00Z`),
  );
}
