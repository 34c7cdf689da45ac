import pg from "pg";
import { closePgPools, sharedPgPool } from "~/db/pg-pools.server";
import { env } from "~/env.server";
import { earnKey, firstOrderBonusKey } from "~/loyalty/ledger-keys";
import type { MemberProgram } from "~/loyalty/member-program";
import { membershipDecision } from "~/loyalty/membership";
import type { Program } from "~/loyalty/program";
import { memberProgramsPg } from "~/loyalty/services/member-program.server";
import { insertShadowPg, loadShadowPg, runningHoldoutId } from "~/experiments/shadow.server";
import { earnInstant } from "~/loyalty/services/orders.server";
import { settleInTurn, type Facts, type MemberState } from "./batch-settle.server";
import {
  cmpBig,
  inTurn,
  insertEntries,
  iso,
  insertEvents,
  loadHistory,
  markProcessed,
  rows,
  storedAlready,
  updateMembers,
  upsertOrders,
  type Client,
  type MemberRow,
} from "./batch-sql.server";
import { emailLockKey, orderLockKey } from "./mirror.server";
import { orderPayload, type OrderPayload } from "./order-payload";
import { orderMirror, type OrderMirror } from "./to-mirror";

// Set-based processing of order deliveries (orders/create, updated, paid, cancelled).
//
// One transaction claims up to BATCH_LIMIT received inbox rows of a shop (FOR UPDATE SKIP
// LOCKED), takes the same ingest advisory locks the per-row path takes (orders, then
// emails, each sorted), locks the members involved in customer-id order, and then does
// what `ingestOrder` + `settleOrder` would do for each row in turn, oldest delivery
// first — with one statement per table instead of ~30 round trips per order:
//
//   mirror upsert (the same updated_at staleness rule) → earn entries from the one settle
//   decision (app/loyalty/settle.ts, with each member's program from `memberProgramsPg`)
//   → member caches (balances, ordersEarned, lastActivityAt, tier) → events → rows marked
//   processed. The statements are in batch-sql.server.ts.
//
// Only the common case takes this path: an order that carries a customer the mirror
// already knows (not deleted or redacted) whose member is active and would stay so, with
// no discount codes, no company, no refunds or cancellation, no ledger entries and no
// mirrored refunds yet, and whose stored copy (if any) is not newer and has the same
// customer. Echoes are taken too: a delivery saying exactly what an earlier one already
// said — orders/paid after orders/create with the same order, in this batch or credited
// by an earlier one — changes nothing on the per-row path (the same mirror row, a settle
// that finds its entries written), so the batch marks it processed and writes nothing for
// it (not even the mirror's syncedAt, which nothing reads). Every other row is left
// untouched and locked only until this transaction ends; its own job then runs the
// per-row path (`processWebhookEvent`). Because the fast rows are applied exactly as the
// per-row path would apply them one after another, the result equals processing the
// batch's fast rows in sequence and then the others: an order of processing the per-row
// workers could have produced themselves.

export const BATCH_TOPICS: ReadonlySet<string> = new Set([
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/cancelled",
]);
const TOPICS = [...BATCH_TOPICS];

/**
 * Rows claimed per transaction. Larger batches cost the database less per order (the
 * members' history is read once per batch): bench:credit measured 0.46 ms of backend CPU
 * per order at 500 rows and 0.31–0.37 ms at 1,000, on the same host within minutes.
 * A batch holds its members' locks for well under a second.
 */
export const BATCH_LIMIT = 1000;

// ---------------------------------------------------------------------------------------
// Connection: node-postgres directly (Prisma's per-query cost is most of the per-row path's
// CPU, and a batch hands over one JSON parameter per table).

// timestamp(3) columns hold UTC; int8 columns are ids and money.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 1114) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    if (oid === 20) return (v: string) => BigInt(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export function batchPool(url: string = env().DATABASE_URL): pg.Pool {
  // Four batches at once (app/webhooks/batch-slots.ts) and the row look-ups beside them.
  return sharedPgPool("ingest-batch", url, { types, max: 6 });
}

export function closeBatchPools(): Promise<void> {
  return closePgPools("ingest-batch");
}

// ---------------------------------------------------------------------------------------

interface ClaimedRow {
  id: string;
  shop: string;
  topic: string;
  payload: unknown;
  receivedAt: Date;
}

interface FastRow {
  row: ClaimedRow;
  payload: OrderPayload;
  order: OrderMirror & { customerId: bigint };
}

export interface BatchResult {
  /** Inbox rows applied and marked processed by this batch. */
  processed: Set<string>;
  /** Rows claimed but left for the per-row path. */
  deferred: Set<string>;
  /** When the newest row the batch claimed was received (null: it claimed none). */
  newest: Date | null;
  /** Another transaction had the shop's turn and the batch was told not to wait for it (`turn: "try"`): nothing claimed. */
  busy?: true;
}

/**
 * Claims and applies a batch of the shop's received order deliveries, `first` among them
 * when it is free. Returns which rows it processed; throws (rolling everything back) on
 * any failure, after which every row is still received for its own job.
 */
export interface BatchOptions {
  /** Rows to claim at most (BATCH_LIMIT). */
  limit?: number;
  /** Rows never to claim (ids of batches that failed). */
  exclude?: ReadonlySet<string>;
  /**
   * Claim other rows only when received after this instant (the newest row an earlier batch
   * of the caller looked at): rows an earlier batch left for the per-row path wait for their
   * own jobs instead of being read again by every batch after it. A job's own row is claimed
   * whenever it is free.
   */
  after?: Date;
  /** Told which rows the transaction holds, as soon as it holds them. */
  onClaim?: (ids: string[]) => void;
  /**
   * "wait" (the default) waits for the shop's turn while another batch of the shop runs;
   * "try" returns at once with `busy` instead, so a worker process can use the time for
   * other shops (app/webhooks/batch-dispatch.server.ts).
   */
  turn?: "wait" | "try";
}

export async function processOrderBatch(
  pool: pg.Pool,
  shop: string,
  first: string,
  now: Date,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await applyBatch(client, shop, first, now, options);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function applyBatch(
  c: Client,
  shop: string,
  first: string,
  now: Date,
  options: BatchOptions,
): Promise<BatchResult> {
  // One batch of a shop at a time, in every worker process: a batch that claimed later rows
  // and committed first would leave the earlier batch's orders placed before their members'
  // latest earn, and those go the per-row path (corrections). Two worker processes measured
  // 19 orders/s that way against 1,306 for one (bench:credit --workers 2, one shop). Within
  // a process the batches of a shop already ran one after another (their jobs wait for the
  // batch holding their row); this lock makes it so across processes. Taken before the
  // claim, so the next batch claims the rows after this one's. Other shops' batches run
  // beside it; scale-out multiplies shops, not one shop's order stream (docs/scaling.md).
  if (options.turn === "try") {
    const { rows: turn } = await c.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok`,
      [shopBatchLockKey(shop)],
    );
    if (!turn[0]!.ok) return { processed: new Set(), deferred: new Set(), newest: null, busy: true };
  } else await c.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [shopBatchLockKey(shop)]);
  const claimed = await claimRows(c, shop, first, options);
  options.onClaim?.(claimed.map((r) => r.id));
  const newest = claimed.at(-1)?.receivedAt ?? null;
  const deferred = new Set<string>();
  const { candidates, repeats } = plainRows(claimed, deferred);
  await lockLikeIngest(c, shop, candidates);
  const loaded = await loadBatch(c, shop, candidates, now);
  const { fast, credited } = takeFastRows(candidates, loaded, now, deferred);
  const echoes = await takeEchoes(c, shop, { fast, credited, repeats }, deferred);
  if (fast.length === 0 || !loaded.programs) {
    if (echoes.length) await markProcessed(c, echoes, now);
    return { processed: new Set(echoes), deferred, newest };
  }

  const facts = await loadFacts(c, shop, fast, loaded);
  // The mirror, set-based, with upsertOrder's rule (a stored copy newer than the payload stands).
  await upsertOrders(
    c,
    shop,
    fast.map((f) => f.order),
    now,
  );
  const settled = settleInTurn(
    shop,
    fast.map((f) => f.order),
    facts,
    now,
  );
  await insertEntries(c, shop, settled.entries);
  if (facts.holdoutId)
    await insertShadowPg((sql, params) => c.query(sql, params), shop, facts.holdoutId, settled.shadow);
  await updateMembers(
    c,
    shop,
    [...facts.states.values()].filter((s) => s.changed).map((s) => s.row),
  );
  await insertEvents(c, shop, settled.events);
  const processed = [...fast.map((f) => f.row.id), ...echoes];
  await markProcessed(c, processed, now);
  return { processed: new Set(processed), deferred, newest };
}

/** The advisory lock a shop's order batches take in turn (transaction-scoped: safe behind PgBouncer). */
export const shopBatchLockKey = (shop: string) => `ingest:${shop}:batch`;

/** The job's own row when it is free, and up to the limit of the shop's other received order rows, oldest first. */
async function claimRows(
  c: Client,
  shop: string,
  first: string,
  options: BatchOptions,
): Promise<ClaimedRow[]> {
  const limit = options.limit ?? BATCH_LIMIT;
  const exclude = [...(options.exclude ?? [])];
  const select = `SELECT "id", "shop", "topic", "payload", "receivedAt" FROM "WebhookEvent"`;
  const own = await rows<ClaimedRow>(
    c,
    `${select} WHERE "id" = $1::uuid AND "shop" = $2 AND "status" = 'received' AND "topic" = ANY($3::text[])
     FOR UPDATE SKIP LOCKED`,
    [first, shop, TOPICS],
  );
  const others = await rows<ClaimedRow>(
    c,
    `${select} WHERE "status" = 'received' AND "shop" = $2 AND "topic" = ANY($3::text[]) AND "id" <> $1::uuid
       AND NOT ("id" = ANY($5::uuid[])) AND ($6::timestamp IS NULL OR "receivedAt" > $6::timestamp)
     ORDER BY "receivedAt" LIMIT $4 FOR UPDATE SKIP LOCKED`,
    [first, shop, TOPICS, Math.max(0, limit - own.length), exclude, iso(options.after)],
  );
  return [...own, ...others].sort(
    (a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * What each row says; the plain ones are candidates for the fast path, the first delivery
 * of each order. A later plain delivery of an order whose first was plain is a repeat: an
 * echo when it says the same (`takeEchoes`), the per-row path's otherwise.
 */
function plainRows(
  claimed: readonly ClaimedRow[],
  deferred: Set<string>,
): { candidates: FastRow[]; repeats: { first: FastRow; row: FastRow }[] } {
  const candidates: FastRow[] = [];
  const repeats: { first: FastRow; row: FastRow }[] = [];
  const firsts = new Map<bigint, FastRow | null>();
  for (const row of claimed) {
    const parsed = orderPayload.safeParse(row.payload);
    if (!parsed.success) {
      deferred.add(row.id); // the per-row path fails it with its message
      continue;
    }
    const order = orderMirror(parsed.data);
    const plain =
      order.customerId !== null &&
      parsed.data.customer != null &&
      order.discountCodes.length === 0 &&
      order.companyId === null &&
      parsed.data.refunds.length === 0 &&
      order.cancelledAt === null;
    const candidate = plain ? { row, payload: parsed.data, order: order as FastRow["order"] } : null;
    const first = firsts.get(order.id);
    if (first === undefined) firsts.set(order.id, candidate);
    if (!candidate) deferred.add(row.id);
    else if (first === undefined) candidates.push(candidate);
    else if (first === null) deferred.add(row.id);
    else repeats.push({ first, row: candidate });
  }
  return { candidates, repeats };
}

/** The per-row path's advisory locks, taken as it takes them: orders first, then emails. */
async function lockLikeIngest(c: Client, shop: string, candidates: readonly FastRow[]) {
  const orderKeys = [...new Set(candidates.map((f) => orderLockKey(shop, f.order.id)))].sort();
  const emailKeys = [
    ...new Set(
      candidates.flatMap((f) =>
        [f.order.email, f.payload.customer?.email].flatMap((e) => (e?.trim() ? [emailLockKey(shop, e)] : [])),
      ),
    ),
  ].sort();
  for (const keys of [orderKeys, emailKeys])
    if (keys.length)
      await c.query(
        `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
         FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS s`,
        [keys],
      );
}

interface Loaded {
  /** Each member's program (the one resolution); null when the shop has no program yet. */
  programs: ((customerId: bigint) => MemberProgram) | null;
  customers: Map<
    bigint,
    { email: string | null; tags: string[] | null; isB2B: boolean | null; gone: boolean | null }
  >;
  stored: Map<bigint, { customerId: bigint | null; updatedAt: Date | null }>;
  /** Orders already credited (every entry of an order hangs on its earn) or with mirrored refunds: the per-row path's work. */
  busy: Set<bigint>;
  /** Of those, the ones credited without mirrored refunds: a delivery repeating the stored copy is an echo. */
  creditedOnly: Set<bigint>;
  members: Map<bigint, MemberRow>;
  staffEmails: string[];
  /** Each member's latest credited order (placement, then id) and how many they have. */
  latestEarn: Map<bigint, { at: Date; id: bigint }>;
  earnedBefore: Map<bigint, number>;
}

/** What decides which candidates the batch takes: customers, stored orders, members (locked), program, staff, earns. */
async function loadBatch(
  c: Client,
  shop: string,
  candidates: readonly FastRow[],
  now: Date,
): Promise<Loaded> {
  const customerIds = [...new Set(candidates.map((f) => f.order.customerId))].sort(cmpBig);
  const orderIds = candidates.map((f) => f.order.id);
  // One connection runs one statement at a time: these go in turn.
  const [facts, members, programs, staff, earns] = await inTurn([
    () =>
      candidates.length
        ? rows<{
            kind: "customer" | "order" | "credited" | "refunded";
            id: bigint;
            customerId: bigint | null;
            email: string | null;
            tags: string[] | null;
            isB2B: boolean | null;
            gone: boolean | null;
            updatedAt: Date | null;
          }>(
            c,
            `SELECT 'customer'::text AS kind, "id", NULL::bigint AS "customerId", "email", "tags", "isB2B",
                  ("deletedAt" IS NOT NULL OR "redactedAt" IS NOT NULL) AS gone,
                  NULL::timestamp AS "updatedAt"
           FROM "Customer" WHERE "shop" = $1 AND "id" = ANY($2::bigint[])
           UNION ALL
           SELECT 'order'::text, o."id", o."customerId", NULL::text, NULL::text[], NULL::boolean, NULL::boolean,
                  o."shopifyUpdatedAt"
           FROM "Order" o WHERE o."shop" = $1 AND o."id" = ANY($3::bigint[])
           UNION ALL
           SELECT 'credited'::text, "orderId", NULL::bigint, NULL::text, NULL::text[], NULL::boolean,
                  NULL::boolean, NULL::timestamp
           FROM "LedgerEntry" WHERE "shop" = $1 AND "key" = ANY($4::text[])
           UNION ALL
           SELECT DISTINCT 'refunded'::text, "orderId", NULL::bigint, NULL::text, NULL::text[], NULL::boolean,
                  NULL::boolean, NULL::timestamp
           FROM "Refund" WHERE "shop" = $1 AND "orderId" = ANY($3::bigint[])`,
            [
              shop,
              customerIds.map(String),
              orderIds.map(String),
              orderIds.map((id) => earnKey(shop, id.toString())),
            ],
          )
        : [],
    () =>
      customerIds.length
        ? rows<MemberRow>(
            c,
            `SELECT "customerId", "status", "statusReason", "enrolledAt", "optedInAt", "availablePoints",
                  "pendingPoints", "lifetimePoints", "redeemedPoints", "expiredPoints", "ordersEarned",
                  "lastActivityAt", "tierId", "tierBelowSince", "tierValue", "nextTierId", "tierRemaining",
                  "tierEvaluatedAt", "metafieldsDirty", "migratedTierId", "migratedTierUntil"
           FROM "Member" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])
           ORDER BY "customerId" FOR UPDATE`,
            [shop, customerIds.map(String)],
          )
        : [],
    // No stored program yet: the per-row path writes version 1 on first read.
    () => memberProgramsPg(c, shop, now),
    () =>
      rows<{ email: string }>(
        c,
        `SELECT "email" FROM "Shop" WHERE "domain" = $1 AND "email" IS NOT NULL
       UNION SELECT "email" FROM "Session" WHERE "shop" = $1 AND "email" IS NOT NULL`,
        [shop],
      ),
    () =>
      customerIds.length
        ? rows<{ customerId: bigint; occurredAt: Date; orderId: bigint | null; n: number }>(
            c,
            `SELECT DISTINCT ON ("customerId") "customerId", "occurredAt", "orderId",
                  (count(*) OVER (PARTITION BY "customerId"))::int AS n
           FROM "LedgerEntry" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[]) AND "kind" = 'earn'
           ORDER BY "customerId", "occurredAt" DESC, "orderId" DESC`,
            [shop, customerIds.map(String)],
          )
        : [],
  ]);
  const refunded = new Set(facts.filter((f) => f.kind === "refunded").map((f) => f.id));
  const credited = new Set(facts.filter((f) => f.kind === "credited").map((f) => f.id));
  return {
    programs,
    customers: new Map(facts.filter((f) => f.kind === "customer").map((f) => [f.id, f])),
    stored: new Map(facts.filter((f) => f.kind === "order").map((f) => [f.id, f])),
    busy: new Set([...credited, ...refunded]),
    creditedOnly: new Set([...credited].filter((id) => !refunded.has(id))),
    members: new Map(members.map((m) => [m.customerId, m])),
    staffEmails: staff.map((s) => s.email.trim().toLowerCase()),
    latestEarn: new Map(earns.map((e) => [e.customerId, { at: e.occurredAt, id: e.orderId ?? 0n }])),
    earnedBefore: new Map(earns.map((e) => [e.customerId, e.n])),
  };
}

/**
 * The candidates the batch applies: a known live customer whose member stays active, an
 * order not yet credited nor refunded, a stored copy not newer and of the same customer,
 * and placed after the member's latest credited order (an earlier one may change that
 * order's tier or take its first-order bonus: corrections are the per-row path's work).
 */
function takeFastRows(
  candidates: readonly FastRow[],
  loaded: Loaded,
  now: Date,
  deferred: Set<string>,
): { fast: FastRow[]; credited: FastRow[] } {
  const { programs, latestEarn } = loaded;
  const inPlacementOrder = (f: FastRow) => {
    if (!f.order.shopifyCreatedAt && !f.order.processedAt) return false;
    const at = earnInstant(f.order, now);
    const latest = latestEarn.get(f.order.customerId);
    if (
      latest &&
      (at.getTime() < latest.at.getTime() ||
        (at.getTime() === latest.at.getTime() && f.order.id <= latest.id))
    )
      return false;
    latestEarn.set(f.order.customerId, { at, id: f.order.id });
    return true;
  };
  const fast: FastRow[] = [];
  const credited: FastRow[] = [];
  for (const f of candidates) {
    const customer = loaded.customers.get(f.order.customerId);
    const member = loaded.members.get(f.order.customerId);
    const prior = loaded.stored.get(f.order.id);
    const settled =
      programs !== null &&
      customer !== undefined &&
      !customer.gone &&
      member !== undefined &&
      stillActive(member, customer, loaded.staffEmails, programs(f.order.customerId).program);
    const ok =
      settled &&
      !loaded.busy.has(f.order.id) &&
      (!prior ||
        ((prior.customerId === null || prior.customerId === f.order.customerId) &&
          (prior.updatedAt === null || prior.updatedAt.getTime() <= f.order.shopifyUpdatedAt.getTime()))) &&
      inPlacementOrder(f);
    if (ok) fast.push(f);
    // Credited before, member as it was: an echo if the stored copy says the same (`takeEchoes`).
    else if (settled && loaded.creditedOnly.has(f.order.id)) credited.push(f);
    else deferred.add(f.row.id);
  }
  return { fast, credited };
}

/**
 * The deliveries that repeat what is already settled, to mark processed with no write:
 * a credited order's delivery identical to its stored copy, and a later delivery in this
 * batch identical to the order's first when that one is applied or an echo itself. The
 * others are deferred to the per-row path.
 */
async function takeEchoes(
  c: Client,
  shop: string,
  rows: {
    fast: readonly FastRow[];
    credited: readonly FastRow[];
    repeats: readonly { first: FastRow; row: FastRow }[];
  },
  deferred: Set<string>,
): Promise<string[]> {
  const same = await storedAlready(
    c,
    shop,
    rows.credited.map((f) => f.order),
  );
  const echoes = new Set<FastRow>();
  for (const f of rows.credited) {
    if (same.has(f.order.id)) echoes.add(f);
    else deferred.add(f.row.id);
  }
  const applied = new Set(rows.fast);
  for (const { first, row } of rows.repeats) {
    const settled = applied.has(first) || echoes.has(first);
    if (settled && sameMirror(first.order, row.order)) echoes.add(row);
    else deferred.add(row.row.id);
  }
  return [...echoes].map((f) => f.row.id);
}

/** Two mirrors of one order saying the same, whatever the order of their payloads' keys. */
export function sameMirror(a: OrderMirror, b: OrderMirror): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  });
}

/** Everything the rules read, before the mirror changes: products, the members' tier history, keys taken. */
async function loadFacts(c: Client, shop: string, fast: readonly FastRow[], loaded: Loaded): Promise<Facts> {
  const programs = loaded.programs!;
  const fastCustomers = [...new Set(fast.map((f) => f.order.customerId))];
  const productIds = [
    ...new Set(
      fast.flatMap((f) =>
        f.order.lineItems.flatMap((l) => (l.productId && /^\d+$/.test(l.productId) ? [l.productId] : [])),
      ),
    ),
  ];
  // Members are read on the basis their own program counts.
  const onPoints = fastCustomers.filter((id) => programs(id).program.tiers.basis === "points");
  const onMirror = fastCustomers.filter((id) => programs(id).program.tiers.basis !== "points");
  const [products, pointsHistory, mirrorHistory, takenKeys] = await inTurn([
    () =>
      productIds.length
        ? rows<{ id: bigint; tags: string[]; collectionIds: string[] }>(
            c,
            `SELECT "id", "tags", "collectionIds" FROM "Product" WHERE "shop" = $1 AND "id" = ANY($2::bigint[])`,
            [shop, productIds],
          )
        : [],
    () => loadHistory(c, shop, onPoints, "points"),
    () => loadHistory(c, shop, onMirror, "spend"),
    () =>
      rows<{ key: string }>(
        c,
        `SELECT "key" FROM "LedgerEntry" WHERE "shop" = $1 AND "key" = ANY($2::text[])`,
        [
          shop,
          [
            ...fastCustomers.map((id) => firstOrderBonusKey(shop, id.toString())),
            ...fast.map((f) => earnKey(shop, f.order.id.toString())),
          ],
        ],
      ),
  ]);
  const heldOut = fastCustomers.filter((id) => programs(id).heldOut);
  const holdoutId = heldOut.length ? await runningHoldoutId(shop) : null;
  const shadow = await loadShadowPg((sql, params) => c.query(sql, params), shop, holdoutId ? heldOut : []);
  return {
    programs,
    shadow,
    holdoutId,
    products: new Map(
      products.map((p) => [p.id.toString(), { tags: p.tags, collectionIds: p.collectionIds }]),
    ),
    keys: new Set(takenKeys.map((k) => k.key)),
    states: new Map<bigint, MemberState>(
      fastCustomers.map((id) => [
        id,
        {
          row: { ...loaded.members.get(id)! },
          changed: false,
          history: pointsHistory.get(id) ?? mirrorHistory.get(id)!,
          earned: loaded.earnedBefore.get(id) ?? 0,
        },
      ]),
    ),
  };
}

/**
 * ensureMember would change nothing: the member is active, enrolled, and the customer as
 * mirrored still qualifies. Staff emails are matched conservatively (a customer whose
 * email equals one, or could match one as a pattern, goes the per-row way).
 */
function stillActive(
  member: MemberRow,
  customer: { email: string | null; tags: string[] | null; isB2B: boolean | null },
  staffEmails: string[],
  program: Program,
): boolean {
  if (member.status !== "active" || member.statusReason !== null || member.enrolledAt === null) return false;
  const email = customer.email?.trim().toLowerCase() ?? null;
  const maybeStaff =
    email !== null && staffEmails.length > 0 && (staffEmails.includes(email) || /[%_\\]/.test(email));
  if (maybeStaff && program.membership.excludeStaff) return false;
  const decision = membershipDecision(
    {
      tags: customer.tags ?? [],
      isStaff: false,
      isB2B: customer.isB2B ?? false,
      optedIn: member.optedInAt !== null,
    },
    program.membership,
  );
  return decision.eligible;
}
