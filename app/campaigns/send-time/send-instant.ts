import { localTime, quietHoursEnd, type QuietHours } from "../quiet-hours";

// When a queued message goes out, given a send-time mode. This is the one function the
// campaign option ("send at each member's best hour") and the experiment variants (campaign
// default | member's best hour | fixed shop-local hour) both call, so a variant that fixes the
// hour and one that picks it per member differ only in the mode they pass.

export type SendTime = { mode: "immediate" } | { mode: "bestHour" } | { mode: "fixedHour"; hour: number };
/** What a variant may ask for: the campaign's own setting, or one of the modes. */
export type SendTimeChoice = { mode: "campaignDefault" } | SendTime;
export const CAMPAIGN_DEFAULT: SendTimeChoice = { mode: "campaignDefault" };

export type SendInstantInput = {
  choice: SendTimeChoice;
  /** The campaign's own setting, used by "campaignDefault". */
  campaignDefault: SendTime;
  /** When the send was queued: the instant the 24 hours are counted from. */
  queuedAt: Date;
  /** The shop's IANA time zone; hours are shop-local. */
  timeZone: string;
  /** The member's best hour (bestHour in best-hour.ts, or the stored MemberSendTime). */
  memberHour: number | null;
  quiet: QuietHours | null;
};

/**
 * The instant to send: for "immediate", `queuedAt`; for an hour, the next start of that
 * shop-local hour at or after `queuedAt` (the same instant when `queuedAt` is already inside
 * that hour), so always within 24 hours. Quiet hours win: an instant inside them moves to
 * their end. A best hour that is unknown (`memberHour` null) sends at once. Deterministic in
 * its input, so the delivery job can ask again after waiting and get the same instant.
 */
export function sendInstant(input: SendInstantInput): Date {
  const time = input.choice.mode === "campaignDefault" ? input.campaignDefault : input.choice;
  const hour = time.mode === "fixedHour" ? time.hour : time.mode === "bestHour" ? input.memberHour : null;
  const at = hour === null ? input.queuedAt : nextLocalHour(input.queuedAt, input.timeZone, hour);
  return quietHoursEnd(at, input.timeZone, input.quiet) ?? at;
}

/** The start of the next shop-local `hour` at or after `from` (`from` itself inside that hour). */
export function nextLocalHour(from: Date, timeZone: string, hour: number): Date {
  const local = localTime(from, timeZone);
  if (local.hour === hour) return from;
  const minutes = ((hour - local.hour + 24) % 24) * 60 - local.minute;
  return new Date(from.getTime() + minutes * 60_000 - local.second * 1000 - from.getMilliseconds());
}
