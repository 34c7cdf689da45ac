/**
 * Idempotency keys, one function per cause. The key is the ledger's unique constraint:
 * the same cause always yields the same key, so a replayed webhook or job cannot credit
 * or debit twice. Ids are Shopify's numeric ids (or the app's own for redemptions and
 * adjustments); the shop domain scopes everything.
 */
export const earnKey = (shop: string, orderId: string) => `${shop}:order:${orderId}:earn`;

export const refundReversalKey = (shop: string, orderId: string, refundId: string) =>
  `${shop}:order:${orderId}:refund:${refundId}:reverse`;

export const cancellationReversalKey = (shop: string, orderId: string) =>
  `${shop}:order:${orderId}:cancel:reverse`;

export const firstOrderBonusKey = (shop: string, customerId: string) =>
  `${shop}:customer:${customerId}:bonus:first-order`;

/** The first-order bonus after it moved to an earlier order that arrived late (placement.ts). */
export const movedFirstOrderBonusKey = (shop: string, customerId: string, orderId: string) =>
  `${firstOrderBonusKey(shop, customerId)}:order:${orderId}`;

/** The n-th time an order's earn is redone under the tier it was placed in (placement.ts). */
export const earnCorrectionKey = (earnLotKey: string, n: number) => `${earnLotKey}:correction:${n}`;

/** A bonus lot emptied because the bonus moved to another order. */
export const bonusMovedKey = (bonusKey: string) => `${bonusKey}:moved`;

export const campaignBonusKey = (shop: string, orderId: string, campaignId: string) =>
  `${shop}:order:${orderId}:bonus:campaign:${campaignId}`;

export const signupBonusKey = (shop: string, customerId: string) =>
  `${shop}:customer:${customerId}:bonus:signup`;

/** One birthday bonus per calendar year, whichever day the job happens to run. */
export const birthdayBonusKey = (shop: string, customerId: string, year: number) =>
  `${shop}:customer:${customerId}:bonus:birthday:${year}`;

/** A bonus tied to an order is reversed at most once, whether a full refund or the cancellation does it. */
export const bonusReversalKey = (bonusKey: string) => `${bonusKey}:reverse`;

/** A lot held for review (an order over the program's sanity bound) that staff rejected: emptied once. */
export const reviewRejectedKey = (lotKey: string) => `${lotKey}:review:rejected`;

/** Each pending lot (an earn or bonus entry) is released to the available balance once. */
export const releaseKey = (lotKey: string) => `${lotKey}:release`;

export const redeemKey = (shop: string, redemptionId: string) => `${shop}:redemption:${redemptionId}:redeem`;

/** Points come back once per redemption: Shopify refused the code, or it expired unused. */
export const redemptionReturnKey = (shop: string, redemptionId: string) =>
  `${shop}:redemption:${redemptionId}:return`;

/** The form submits a fresh adjustment id, so a double click or a retried request applies once. */
export const adjustmentKey = (shop: string, adjustmentId: string) => `${shop}:adjustment:${adjustmentId}`;

/** Fixed-age expiry removes what is left of one lot. */
export const lotExpiryKey = (shop: string, customerId: string, lotKey: string) =>
  `${shop}:customer:${customerId}:expiry:lot:${lotKey}`;

/** Inactivity expiry happens once per period of inactivity, identified by the last activity instant. */
export const inactivityExpiryKey = (shop: string, customerId: string, lastActivityAt: Date) =>
  `${shop}:customer:${customerId}:expiry:inactive-since:${lastActivityAt.toISOString()}`;

/** A past redemption found in history: the reward code an order carried (history-redemptions.ts). */
export const historyRedemptionKey = (shop: string, orderId: string, code: string) =>
  `${shop}:order:${orderId}:redemption:${code.toUpperCase()}`;

/** One line of a file imported from another loyalty app (app/migration): its source and identity. */
export const migrationKey = (shop: string, source: string, lineIdentity: string) =>
  `${shop}:migration:${source}:${lineIdentity}`;
