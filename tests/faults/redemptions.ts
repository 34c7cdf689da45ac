import { signedProxyQuery } from "../../app/storefront/proxy-signature";
import type { DiscountRecord } from "../../emulator/graphql/discounts-input";
import { API_SECRET, sleep, type Stack } from "./stack";

// Storefront redemptions for the Shopify case: sent through the app proxy as the widget
// sends them, and checked against the database and the emulator's discount codes.

export type RedeemRequest = {
  customerId: string;
  clientKey: string;
  statuses: number[];
  final: number | null;
};

/** One storefront redemption, retried with its key as the widget does, until a final answer. */
export async function redeem(stack: Stack, request: RedeemRequest, until: number): Promise<void> {
  while (Date.now() < until) {
    const query = signedProxyQuery({ shop: stack.shop, customerId: request.customerId, secret: API_SECRET });
    let status = 0;
    let retryAfter = 1;
    try {
      const response = await fetch(`${stack.appUrl}/proxy/redeem?${query}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rewardId: "five-off", clientKey: request.clientKey }),
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      retryAfter = Number(response.headers.get("Retry-After") ?? 1);
      await response.text();
    } catch {
      status = 0;
    }
    request.statuses.push(status);
    // 201/200 issued, 502 refused with the points back, 4xx a rule said no: final answers.
    if (
      status === 200 ||
      status === 201 ||
      status === 502 ||
      (status >= 400 && status < 500 && status !== 429)
    ) {
      request.final = status;
      return;
    }
    await sleep(Math.min(30, Math.max(1, retryAfter)) * 1000);
  }
}

export type RedemptionRow = {
  id: string;
  customerId: string;
  clientKey: string;
  code: string;
  status: string;
  pointsCost: number;
  returned: boolean;
};

export async function redemptionState(stack: Stack): Promise<RedemptionRow[]> {
  const db = await stack.db();
  try {
    const { rows } = await db.query<RedemptionRow>(
      `SELECT r."id"::text AS id, r."customerId"::text AS "customerId", r."clientKey", r."code",
              r."status"::text AS status, r."pointsCost",
              EXISTS (SELECT 1 FROM "LedgerEntry" e WHERE e."redemptionId" = r."id" AND e."kind" = 'redemptionReturn') AS returned
       FROM "Redemption" r WHERE r."shop" = $1`,
      [stack.shop],
    );
    return rows;
  } finally {
    await db.end();
  }
}

/**
 * Every redemption ends with its code in Shopify (issued) or its points back and no code
 * (failed); no code exists twice or without a redemption, no client key redeems twice,
 * and every answer the shopper got agrees with the database.
 */
export function checkRedemptions(
  state: RedemptionRow[],
  discounts: DiscountRecord[],
  requests: RedeemRequest[],
) {
  const codesOf = new Map<string, number>();
  for (const d of discounts) codesOf.set(d.code.toUpperCase(), (codesOf.get(d.code.toUpperCase()) ?? 0) + 1);

  const problems: string[] = [];
  let lost = 0;
  let doubled = 0;
  const issued = state.filter((r) => r.status === "issued" || r.status === "used");
  const failed = state.filter((r) => r.status === "failed");
  const pending = state.filter((r) => r.status === "pending");
  for (const r of issued) {
    const n = codesOf.get(r.code.toUpperCase()) ?? 0;
    if (n === 0) {
      lost += 1;
      problems.push(`redemption ${r.id} issued without its code in Shopify`);
    }
    if (n > 1) doubled += n - 1;
  }
  for (const r of failed) {
    if (!r.returned) {
      lost += 1;
      problems.push(`failed redemption ${r.id} without its points returned`);
    }
    if (codesOf.has(r.code.toUpperCase())) {
      doubled += 1;
      problems.push(`failed redemption ${r.id} (points returned) still has a code in Shopify`);
    }
  }
  if (pending.length) problems.push(`${pending.length} redemptions still pending`);
  const known = new Set(state.map((r) => r.code.toUpperCase()));
  const strays = discounts.filter((d) => !known.has(d.code.toUpperCase()));
  if (strays.length) {
    doubled += strays.length;
    problems.push(`${strays.length} codes in Shopify belong to no redemption`);
  }
  const byKey = new Map<string, number>();
  for (const r of state) byKey.set(r.clientKey, (byKey.get(r.clientKey) ?? 0) + 1);
  const keysTwice = [...byKey.values()].filter((n) => n > 1).length;
  if (keysTwice) {
    doubled += keysTwice;
    problems.push(`${keysTwice} client keys redeemed twice`);
  }
  const unanswered = requests.filter((r) => r.final === null);
  if (unanswered.length) problems.push(`${unanswered.length} redemption requests never got a final answer`);
  const disagreeing = requests.filter((r) => {
    const row = state.find((s) => s.clientKey === r.clientKey);
    return (
      r.final !== null && (r.final === 201 || r.final === 200) !== (row !== undefined && issued.includes(row))
    );
  });
  if (disagreeing.length)
    problems.push(`${disagreeing.length} redemption answers disagree with the database`);

  return { lost, doubled, problems, issued, failed };
}
