// Which lifecycle campaigns a loyalty event starts. The events are the ones the loyalty
// services already record in the same transaction as the ledger entry or tier change
// (LoyaltyEvent, app/loyalty/services/events.server.ts): the trigger scan reads them
// afterwards, so nothing is sent from inside a crediting transaction and nothing is
// lost when a send fails.

export const TRIGGERS = {
  tierUpgrade: {
    label: "Tier upgrade",
    eventTypes: ["tierChanged"],
    transactional: false,
  },
  pointsEarned: {
    label: "Points earned",
    eventTypes: ["pointsEarned"],
    // A receipt of what the member's order earned: sent without marketing consent.
    transactional: true,
  },
  rewardUnlocked: {
    label: "Reward unlocked",
    eventTypes: ["pointsEarned", "pointsReleased"],
    transactional: false,
  },
  welcome: {
    label: "Welcome",
    eventTypes: ["memberEnrolled"],
    transactional: false,
  },
  pointsExpiring: {
    label: "Points expiring",
    // The loyalty schedule records one advance notice per expiry date (expiry.ts expiryNotices).
    eventTypes: ["pointsExpiring"],
    transactional: false,
  },
  // The rest read the members' state on a schedule (scheduled-scan.server.ts), not events.
  birthday: { label: "Birthday", eventTypes: [], transactional: false },
  tierDowngradeWarning: { label: "Tier downgrade warning", eventTypes: [], transactional: false },
  winBack: { label: "Win-back (at risk)", eventTypes: [], transactional: false },
  almostThere: { label: "Almost there", eventTypes: [], transactional: false },
} as const satisfies Record<string, { label: string; eventTypes: readonly string[]; transactional: boolean }>;

export type TriggerKind = keyof typeof TRIGGERS;
export const TRIGGER_KINDS = Object.keys(TRIGGERS) as [TriggerKind, ...TriggerKind[]];

export const isTriggerKind = (value: string | null | undefined): value is TriggerKind =>
  !!value && value in TRIGGERS;

/** Triggers decided from the members' state on a schedule rather than from loyalty events. */
export const SCHEDULED_TRIGGERS = TRIGGER_KINDS.filter((t) => TRIGGERS[t].eventTypes.length === 0);
export const isScheduledTrigger = (t: TriggerKind) => TRIGGERS[t].eventTypes.length === 0;

/** A member enrolled longer ago than this (a backfill enrolling old customers) is not welcomed. */
export const WELCOME_MAX_JOIN_AGE_DAYS = 30;
const DAY_MS = 86_400_000;

/** A LoyaltyEvent as the scan reads it. */
export type TriggerEvent = {
  type: string;
  payload: unknown;
  /** When it happened (the enrolment for memberEnrolled). */
  occurredAt?: Date;
};

/** What the scan knows of the member when it reads the event. */
export type TriggerMember = {
  availablePoints: number;
  rewardCosts: readonly number[];
  /** The tiers every member starts in (threshold 0) under their program: placement there is no upgrade. */
  entryTierIds?: readonly string[];
};

const field = (payload: unknown, name: string): unknown =>
  payload && typeof payload === "object" ? (payload as Record<string, unknown>)[name] : undefined;

/** Points the event added to the available balance (0 when it added none there). */
function availableGain(event: TriggerEvent): number {
  const points = field(event.payload, "points");
  if (typeof points !== "number" || points <= 0) return 0;
  if (event.type === "pointsReleased") return points;
  const bucket = field(event.payload, "bucket");
  // Signup and other bonuses carry no bucket: they are credited as available.
  return bucket === undefined || bucket === "available" ? points : 0;
}

/**
 * Whether `trigger` fires on `event`. A reward is unlocked when the balance before the
 * event's points was below a reward's cost and the balance now reaches it; the balance
 * "now" is the member's when the scan runs (the scan runs within a minute of the event,
 * so a redemption in between only makes it stay silent).
 */
export function firesOn(trigger: TriggerKind, event: TriggerEvent, member: TriggerMember): boolean {
  if (!(TRIGGERS[trigger].eventTypes as readonly string[]).includes(event.type)) return false;
  // A move up: from a tier, or straight past the entry tier. A new member's placement in the
  // tier everyone starts in (from none) is no upgrade.
  if (trigger === "tierUpgrade") {
    if (field(event.payload, "change") !== "upgrade") return false;
    if (typeof field(event.payload, "from") === "string") return true;
    const to = field(event.payload, "to");
    return typeof to === "string" && !(member.entryTierIds ?? []).includes(to);
  }
  if (trigger === "pointsEarned" || trigger === "pointsExpiring") {
    const points = field(event.payload, "points");
    return typeof points === "number" && points > 0;
  }
  if (trigger === "welcome") return recentlyJoined(event);
  const gain = availableGain(event);
  if (gain === 0) return false;
  const before = member.availablePoints - gain;
  return member.rewardCosts.some((cost) => before < cost && cost <= member.availablePoints);
}

/**
 * An enrolment is welcome news when the member joined (first order or account, or opted in)
 * recently; the event's own date is when the app enrolled them, which for a backfill of an
 * old shop is years after they joined.
 */
function recentlyJoined(event: TriggerEvent): boolean {
  const joined = field(event.payload, "joinedAt");
  if (typeof joined !== "string" || !event.occurredAt) return true;
  const at = Date.parse(joined);
  return Number.isNaN(at) || event.occurredAt.getTime() - at <= WELCOME_MAX_JOIN_AGE_DAYS * DAY_MS;
}
