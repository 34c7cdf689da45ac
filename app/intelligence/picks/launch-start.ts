const DAY_MS = 86_400_000;

/**
 * When a launch at `now` starts the picks' campaign: the forecast week's start (a UTC
 * midnight), or the next UTC midnight when that has passed — a campaign never starts in the
 * past, and stays on whole UTC days, which is what the program editor's campaign dates hold.
 */
export const launchStart = (forecastFrom: Date | null, now: Date) =>
  new Date(Math.max(forecastFrom?.getTime() ?? 0, Math.ceil(now.getTime() / DAY_MS) * DAY_MS));
