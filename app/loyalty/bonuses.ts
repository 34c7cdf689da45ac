import type { Program } from "./program";

export interface Birthday {
  month: number; // 1–12
  day: number; // 1–31
}

export type BirthdayBonusDecision =
  | { due: true; points: number; year: number }
  | { due: false; reason: "noBonus" | "noBirthday" | "notYet" | "windowPassed" | "setTooRecently" };

const DAY_MS = 86_400_000;
/** Grant up to this long after the birthday, so a missed daily run still pays, but a late sign-up does not claim months back. */
export const BIRTHDAY_GRACE_DAYS = 30;
/** A birthday entered this close to the date does not pay this year: the usual guard against editing it for points. */
export const BIRTHDAY_NOTICE_DAYS = 30;

/** The birthday's instant in `year` (UTC); 29 February falls on 28 February in common years. */
export function birthdayIn(year: number, birthday: Birthday): Date {
  const lastDay = new Date(Date.UTC(year, birthday.month, 0)).getUTCDate();
  return new Date(Date.UTC(year, birthday.month - 1, Math.min(birthday.day, lastDay)));
}

/** Whether this year's birthday bonus is due at `now`; the ledger key (one per year) stops a second grant. */
export function birthdayBonusDue(
  birthday: Birthday | null,
  birthdaySetAt: Date | null,
  program: Program,
  now: Date,
): BirthdayBonusDecision {
  const points = program.earning.bonuses.birthday;
  if (points <= 0) return { due: false, reason: "noBonus" };
  if (!birthday || birthday.month < 1 || birthday.month > 12 || birthday.day < 1 || birthday.day > 31)
    return { due: false, reason: "noBirthday" };
  const year = now.getUTCFullYear();
  // Early January can still be inside the grace after a late-December birthday.
  for (const y of [year, year - 1]) {
    const date = birthdayIn(y, birthday);
    const since = now.getTime() - date.getTime();
    if (since < 0) continue;
    if (since >= BIRTHDAY_GRACE_DAYS * DAY_MS)
      return y === year ? { due: false, reason: "windowPassed" } : { due: false, reason: "notYet" };
    if (birthdaySetAt && date.getTime() - birthdaySetAt.getTime() < BIRTHDAY_NOTICE_DAYS * DAY_MS)
      return { due: false, reason: "setTooRecently" };
    return { due: true, points, year: y };
  }
  return { due: false, reason: "notYet" };
}

/** Points for joining, or null when the program gives none (no ledger entry is written then). */
export function signupBonus(program: Program): number | null {
  return program.earning.bonuses.signup > 0 ? program.earning.bonuses.signup : null;
}
