import type { MembershipConfig } from "./program";

/** What enrollment needs to know about a Shopify customer; the service derives staff and B2B. */
export interface CustomerForMembership {
  tags: readonly string[];
  isStaff: boolean;
  /** Buys through a B2B company location. */
  isB2B: boolean;
  /** Explicitly joined (storefront widget or account page); only consulted for opt-in programs. */
  optedIn: boolean;
}

export type MembershipDecision =
  | { eligible: true }
  | { eligible: false; reason: "staff" | "b2b" | "notOptedIn" }
  | { eligible: false; reason: "excludedTag"; tag: string };

/** Exclusions come first: an excluded customer stays out even after opting in. Tags compare case-insensitively, as Shopify's do. */
export function membershipDecision(
  customer: CustomerForMembership,
  membership: MembershipConfig,
): MembershipDecision {
  if (membership.excludeStaff && customer.isStaff) return { eligible: false, reason: "staff" };
  if (membership.excludeB2B && customer.isB2B) return { eligible: false, reason: "b2b" };
  const excluded = new Set(membership.excludedCustomerTags.map((t) => t.trim().toLowerCase()));
  const tag = customer.tags.find((t) => excluded.has(t.trim().toLowerCase()));
  if (tag !== undefined) return { eligible: false, reason: "excludedTag", tag };
  if (membership.enrollment === "optIn" && !customer.optedIn)
    return { eligible: false, reason: "notOptedIn" };
  return { eligible: true };
}

/** The member row's status and reason for a decision, as the live path and the backfill store them. */
export function memberStatusFor(decision: MembershipDecision): {
  status: "active" | "notEnrolled" | "excluded";
  reason: string | null;
} {
  if (decision.eligible) return { status: "active", reason: null };
  if (decision.reason === "notOptedIn") return { status: "notEnrolled", reason: null };
  return {
    status: "excluded",
    reason: decision.reason === "excludedTag" ? `excludedTag:${decision.tag}` : decision.reason,
  };
}

/**
 * When a customer joined the program: their first order or their Shopify account's
 * creation, whichever is earlier, never after `now`. A shop that installs the app after
 * years of trading has members who bought long before; counting them as joined on the
 * install day would make every one "new". An opt-in program is joined by the act of
 * opting in, so the caller passes the opt-in time as `now` and no history.
 */
export function joinDate(
  accountCreatedAt: Date | null | undefined,
  firstOrderAt: Date | null | undefined,
  now: Date,
): Date {
  let at = now.getTime();
  for (const d of [accountCreatedAt, firstOrderAt])
    if (d && Number.isFinite(d.getTime()) && d.getTime() < at) at = d.getTime();
  return new Date(at);
}
