// A marketing consent as Shopify reports it — REST `{ state, consent_updated_at }` in webhooks,
// GraphQL `{ marketingState, consentUpdatedAt }` in the bulk backfill — reduced to what the
// mirror keeps: subscribed or not, and when it was decided. Webhooks arrive out of order, so a
// consent is applied only when it is at least as recent as the stored one (`CONSENT_NEWER`).

export type Consent = { subscribed: boolean; at: Date | null };

const SUBSCRIBED = "subscribed";

function instantOrNull(v: unknown): Date | null {
  if (typeof v !== "string" || v.length > 64) return null;
  const at = new Date(v);
  return Number.isNaN(at.getTime()) ? null : at;
}

export function consentOf(c: unknown): Consent {
  if (typeof c !== "object" || c === null) return { subscribed: false, at: null };
  const o = c as Record<string, unknown>;
  const state = o.state ?? o.marketingState;
  return {
    subscribed: typeof state === "string" && state.toLowerCase() === SUBSCRIBED,
    at: instantOrNull(o.consent_updated_at ?? o.consentUpdatedAt),
  };
}

/**
 * The Prisma `where` of a customer whose stored consent (`emailConsentAt` or `smsConsentAt`)
 * the incoming one may replace: nothing stored yet, or stored no later than the incoming time.
 * An undated consent replaces only an undated one.
 */
export function consentReplaces(field: "emailConsentAt" | "smsConsentAt", at: Date | null) {
  return at ? { OR: [{ [field]: null }, { [field]: { lte: at } }] } : { [field]: null };
}

/**
 * SQL for an upsert's SET of one consent (`"emailConsent"`/`"emailConsentAt"` or the SMS
 * pair) from EXCLUDED, keeping the stored one when it was decided later (the same rule).
 */
export function consentSetSql(kind: "email" | "sms"): string {
  const value = `"${kind}Consent"`;
  const at = `"${kind}ConsentAt"`;
  const replaces = `("Customer".${at} IS NULL OR EXCLUDED.${at} >= "Customer".${at})`;
  return `${value} = CASE WHEN ${replaces} THEN EXCLUDED.${value} ELSE "Customer".${value} END,
      ${at} = CASE WHEN ${replaces} THEN EXCLUDED.${at} ELSE "Customer".${at} END`;
}
