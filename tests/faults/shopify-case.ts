import { randomUUID } from "node:crypto";
import { discountsOf } from "../../emulator/graphql/discounts";
import { pendingFaults, planFaults, type FaultKind } from "../../emulator/graphql/faults";
import { metafieldsOf } from "../../emulator/graphql/metafields";
import { burstWithFault, type Suite } from "./harness";
import {
  compareBalances,
  compareLedger,
  ledgerVerify,
  snapshot,
  waitProcessed,
  type Row,
  type Snapshot,
} from "./outcome";
import { checkRedemptions, redeem, redemptionState, type RedeemRequest } from "./redemptions";
import { API_KEY, sleep, type Stack } from "./stack";

// Case 5: Shopify (the emulator) throttles, times out and fails the app's discount and
// metafield mutations while members redeem rewards through the storefront proxy and the
// worker syncs their metafields. At the end no points may be lost (each redemption either
// has its code or its points back), no code may exist twice or for a refunded redemption,
// every member's metafields must match the database, and the ledger outside redemptions
// must equal the fault-free run's.

const DEADLINE_MS = 180_000;
const FAULTS: Array<{ mutations: string[]; kind: FaultKind; count: number }> = [
  { mutations: ["discountCodeBasicCreate"], kind: "throttled", count: 3 },
  { mutations: ["discountCodeBasicCreate"], kind: "timeout", count: 3 },
  // More 5xx than four concurrent redemptions' three retries absorb: some give up (points back).
  { mutations: ["discountCodeBasicCreate"], kind: "serverError", count: 12 },
  { mutations: ["discountCodeBasicCreate"], kind: "userErrors", count: 3 },
  // The metafield sync backs off exponentially (0.5 s, 1 s, 2 s ...): a handful keeps the case short.
  { mutations: ["metafieldsSet"], kind: "throttled", count: 3 },
  { mutations: ["metafieldsSet"], kind: "serverError", count: 2 },
  { mutations: ["metafieldsSet"], kind: "timeout", count: 1 },
  { mutations: ["metafieldsSet"], kind: "userErrors", count: 1 },
];

export async function shopifyCase(suite: Suite, stack: Stack, baseline: Snapshot): Promise<Row> {
  const shopState = suite.emulator.store.requireShop(stack.shop);
  for (const plan of FAULTS) planFaults(shopState, plan);
  const burst = await burstWithFault(suite, stack, null);
  if ((await waitProcessed(stack, burst.logs, Date.now() + DEADLINE_MS, () => false)) === null)
    throw new Error("the burst was not processed");

  // Members who can afford the reward redeem once; every third one double-clicks (same key twice).
  const db = await stack.db();
  const { rows } = await db.query<{ customerId: string }>(
    `SELECT "customerId"::text AS "customerId" FROM "Member"
     WHERE "shop" = $1 AND "availablePoints" >= 50 ORDER BY "customerId" LIMIT $2`,
    [stack.shop, suite.workload.shop.customers.length <= 100 ? 12 : 40],
  );
  await db.end();
  const requests: RedeemRequest[] = rows.flatMap((r, i) => {
    const clientKey = randomUUID();
    const one = () => ({ customerId: r.customerId, clientKey, statuses: [], final: null });
    return i % 3 === 0 ? [one(), one()] : [one()];
  });
  const redeemUntil = Date.now() + DEADLINE_MS;
  const lanes = 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let request = requests[next++]; request; request = requests[next++])
        await redeem(stack, request, redeemUntil);
    }),
  );
  const phaseEnd = Date.now();

  const settledAt = await waitSettled(stack, suite, phaseEnd + DEADLINE_MS);
  const state = await redemptionState(stack);
  const discounts = [...discountsOf(shopState).byId.values()];
  const checked = checkRedemptions(state, discounts, requests);
  const { problems, issued, failed } = checked;
  let { lost, doubled } = checked;

  // Balances: the fault-free run's, minus what this case's issued redemptions spent.
  const spent = new Map<string, number>();
  for (const r of issued) spent.set(r.customerId, (spent.get(r.customerId) ?? 0) + r.pointsCost);
  const actual = await snapshot(stack, { withRedemptions: false });
  const ledger = compareLedger(baseline, actual);
  const balances = compareBalances(baseline, actual, (id, b) => ({
    ...b,
    available: b.available + (spent.get(id) ?? 0),
    redeemed: b.redeemed - (spent.get(id) ?? 0),
  }));
  if (balances.length) {
    lost += balances.length;
    problems.push(`${balances.length} members' balances differ (e.g. ${balances[0]})`);
  }
  const unsynced = await metafieldMismatches(stack, suite);
  if (unsynced.length) {
    lost += unsynced.length;
    problems.push(`${unsynced.length} members' metafields differ from the database (e.g. ${unsynced[0]})`);
  }
  const drift = await ledgerVerify(stack);
  if (drift) problems.push(`ledger:verify: ${drift} members drift`);
  for (const c of stack.crashes()) problems.push(`${c.name} exited unasked (${c.signal ?? c.code})`);
  lost += ledger.missing;
  doubled += ledger.extra;
  const unused = pendingFaults(shopState)
    .map((p) => `${p.kind}×${p.count} ${p.mutations.join(",")}`)
    .join(", ");
  return {
    name: "shopify-faults",
    // A redemption is one client key (a double-click sends it twice).
    sent: new Set(requests.map((r) => r.clientKey)).size,
    acknowledged: new Set(requests.filter((r) => r.final !== null).map((r) => r.clientKey)).size,
    processed: issued.length + failed.length,
    lost,
    doubled,
    recoveryS: settledAt === null ? null : Math.max(0, (settledAt - phaseEnd) / 1000),
    verify: drift === 0 ? "clean" : `${drift} drift`,
    notes: [
      ...problems,
      `${issued.length} issued, ${failed.length} refused with points back, ${requests.length} requests ` +
        `(statuses ${[...new Set(requests.flatMap((r) => r.statuses))].sort().join("/")})`,
      `planned faults unused: ${unused || "none"}`,
    ],
    ok: lost === 0 && doubled === 0 && problems.length === 0,
  };
}

/** Until no redemption is pending, no member is dirty and the metafields match; the time, or null. */
async function waitSettled(stack: Stack, suite: Suite, deadline: number): Promise<number | null> {
  for (;;) {
    const db = await stack.db();
    const { rows } = await db.query<{ pending: string; dirty: string }>(
      `SELECT (SELECT count(*) FROM "Redemption" WHERE "shop" = $1 AND "status" = 'pending') AS pending,
              (SELECT count(*) FROM "Member" WHERE "shop" = $1 AND "metafieldsDirty" AND "status" <> 'deleted') AS dirty`,
      [stack.shop],
    );
    await db.end();
    if (Number(rows[0]!.pending) === 0 && Number(rows[0]!.dirty) === 0) {
      if ((await metafieldMismatches(stack, suite)).length === 0) return Date.now();
    }
    if (Date.now() > deadline) return null;
    await sleep(500);
  }
}

/** Members whose balance or tier metafield in Shopify differs from the database. */
async function metafieldMismatches(stack: Stack, suite: Suite): Promise<string[]> {
  const shopState = suite.emulator.store.requireShop(stack.shop);
  const db = await stack.db();
  try {
    const { rows } = await db.query<{ customerId: string; availablePoints: number; tierId: string | null }>(
      `SELECT "customerId"::text AS "customerId", "availablePoints", "tierId" FROM "Member"
       WHERE "shop" = $1 AND "status" <> 'deleted'`,
      [stack.shop],
    );
    const namespace = `app--${API_KEY}`;
    return rows.flatMap((m) => {
      const fields = metafieldsOf(shopState, `gid://shopify/Customer/${m.customerId}`).filter(
        (f) => f.namespace === namespace,
      );
      const balance = fields.find((f) => f.key === "balance")?.value;
      const tier = fields.find((f) => f.key === "tier")?.value;
      const want = { balance: String(m.availablePoints), tier: m.tierId ?? "none" };
      return balance === want.balance && tier === want.tier
        ? []
        : [`${m.customerId}: Shopify ${balance}/${tier}, database ${want.balance}/${want.tier}`];
    });
  } finally {
    await db.end();
  }
}
