const HOUR_MS = 3_600_000;

/**
 * When a launch at `now` starts the picks' campaign: the forecast week's start, or the next
 * full hour when that has passed (a campaign never starts in the past).
 */
export const launchStart = (forecastFrom: Date | null, now: Date) =>
  new Date(Math.max(forecastFrom?.getTime() ?? 0, Math.ceil(now.getTime() / HOUR_MS) * HOUR_MS));
