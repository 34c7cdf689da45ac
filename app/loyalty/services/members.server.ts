import type { Prisma } from "~/db.server";
import type { Customer, Member, MemberStatus } from "~/generated/prisma/client";
import { signupBonus } from "../bonuses";
import { recordEvents } from "./events.server";
import { signupBonusKey } from "../ledger-keys";
import { appendEntries, lockMember } from "./ledger.server";
import type { MemberProgram } from "../member-program";
import { joinDate, memberStatusFor, membershipDecision } from "../membership";
import type { Program } from "../program";

// Members: one row per customer the program has seen, with a status that decides
// whether they earn. Enrollment is automatic unless the program is opt-in; staff, B2B
// buyers and excluded tags stay out; a customer deleted or redacted in Shopify keeps the
// ledger but earns nothing more, and is never brought back.

type Tx = Prisma.TransactionClient;

interface WantedStatus {
  status: MemberStatus;
  reason: string | null;
}

/** Staff are recognised by email: one of the shop's staff sessions, or the shop's own address. */
async function isStaffEmail(tx: Tx, shop: string, email: string | null): Promise<boolean> {
  if (!email) return false;
  const match = { equals: email.trim(), mode: "insensitive" as const };
  const [owner, staff] = await Promise.all([
    tx.shop.findFirst({ where: { domain: shop, email: match }, select: { domain: true } }),
    tx.session.findFirst({ where: { shop, email: match }, select: { id: true } }),
  ]);
  return owner !== null || staff !== null;
}

async function wantedStatus(
  tx: Tx,
  shop: string,
  customer: Customer | null,
  optedIn: boolean,
  program: Program,
): Promise<WantedStatus> {
  if (customer?.deletedAt) return { status: "deleted", reason: "deletedInShopify" };
  if (customer?.redactedAt) return { status: "deleted", reason: "redacted" };
  const decision = membershipDecision(
    {
      tags: customer?.tags ?? [],
      isStaff: program.membership.excludeStaff && (await isStaffEmail(tx, shop, customer?.email ?? null)),
      isB2B: customer?.isB2B ?? false,
      optedIn,
    },
    program.membership,
  );
  return memberStatusFor(decision);
}

/**
 * The customer's member row, created on first sight and its status brought in line with
 * the customer as the mirror knows them now (tags, staff, B2B, deletion), locked FOR
 * UPDATE for the rest of the transaction. Becoming active for the first time enrolls
 * the member and credits the signup bonus once (its key makes replays harmless).
 * `resolved` is this customer's program (memberProgram): its rules decide membership and
 * the bonus, and the bonus entry records its version and variants.
 */
export async function ensureMember(
  tx: Tx,
  shop: string,
  customerId: bigint,
  resolved: MemberProgram,
  now: Date,
): Promise<Member> {
  const { program } = resolved;
  const existing = await lockMember(tx, shop, customerId);
  // A deleted member stays deleted whatever arrives later (a late customers/update included).
  if (existing?.status === "deleted") return existing;
  const customer = await tx.customer.findUnique({ where: { shop_id: { shop, id: customerId } } });
  const wanted = await wantedStatus(tx, shop, customer, existing?.optedInAt != null, program);
  const enrolling = wanted.status === "active" && !existing?.enrolledAt;
  // A customer the program meets for the first time joined with their history; one it
  // kept out until now (an excluded tag removed, an opt-in) joins now.
  const joinedAt = enrolling ? (existing ? now : await joinedAtFor(tx, shop, customer, program, now)) : null;
  if (!existing) {
    await tx.member.createMany({
      data: [
        {
          shop,
          customerId,
          status: wanted.status,
          statusReason: wanted.reason,
          enrolledAt: joinedAt,
        },
      ],
      // A concurrent ingest of the same customer created it first: lock theirs below.
      skipDuplicates: true,
    });
  } else if (existing.status !== wanted.status || existing.statusReason !== wanted.reason || enrolling) {
    await tx.member.update({
      where: { shop_customerId: { shop, customerId } },
      data: {
        status: wanted.status,
        statusReason: wanted.reason,
        ...(joinedAt ? { enrolledAt: joinedAt } : {}),
        metafieldsDirty: true,
      },
    });
  }
  let member = await lockMember(tx, shop, customerId);
  if (!member) throw new Error(`Member ${shop}/${customerId} vanished inside its own transaction`);
  if (enrolling && member.status === "active" && member.enrolledAt)
    member = await enroll(tx, member, resolved, now);
  return member;
}

/**
 * The join date (membership.ts `joinDate`): the first order or the account's creation,
 * whichever is earlier. An opt-in program is joined when the customer opts in.
 */
async function joinedAtFor(
  tx: Tx,
  shop: string,
  customer: Customer | null,
  program: Program,
  now: Date,
): Promise<Date> {
  if (program.membership.enrollment === "optIn") return now;
  if (!customer) return now;
  const first = await tx.order.findFirst({
    where: { shop, customerId: customer.id, test: false },
    orderBy: [{ processedAt: "asc" }],
    select: { processedAt: true, shopifyCreatedAt: true },
  });
  return joinDate(customer.shopifyCreatedAt, first?.processedAt ?? first?.shopifyCreatedAt, now);
}

/**
 * Announces the enrollment and credits the signup bonus, both dated `now` (when the app
 * enrolled the member): the join date may lie years back, and a bonus dated then would be
 * due for expiry at once and land on a past day of the dashboard.
 */
async function enroll(tx: Tx, member: Member, resolved: MemberProgram, now: Date): Promise<Member> {
  const { program, version, variants } = resolved;
  const enrolledAt = now;
  // The program holdout gets no program: no signup bonus.
  const points = resolved.heldOut ? null : signupBonus(program);
  await recordEvents(tx, member.shop, [
    {
      customerId: member.customerId,
      type: "memberEnrolled",
      key: `${member.shop}:customer:${member.customerId}:enrolled`,
      payload: { programVersion: version, joinedAt: member.enrolledAt?.toISOString() ?? null },
      occurredAt: enrolledAt,
    },
  ]);
  if (points === null) return member;
  const key = signupBonusKey(member.shop, member.customerId.toString());
  const result = await appendEntries(tx, member, [
    {
      key,
      kind: "bonus",
      points,
      bucket: "available",
      occurredAt: enrolledAt,
      programVersion: version,
      experimentVariants: variants,
      details: { cause: "signup" },
    },
  ]);
  if (result.inserted.length) {
    await recordEvents(tx, member.shop, [
      {
        customerId: member.customerId,
        type: "pointsEarned",
        key,
        payload: { cause: "signup", points, programVersion: version },
        occurredAt: enrolledAt,
      },
    ]);
  }
  return result.member;
}

/**
 * Guest checkouts carry only an email. Once a customer with that email exists, their
 * guest orders become theirs; the caller credits the returned orders through the same
 * path as any other order. Only the shop's guest orders are read (the (shop, customerId)
 * index serves `customerId IS NULL`), and emails compare case-insensitively as Shopify's do.
 */
export async function linkGuestOrders(tx: Tx, shop: string, customerId: bigint): Promise<bigint[]> {
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    UPDATE "Order" o SET "customerId" = c."id"
    FROM "Customer" c
    WHERE c."shop" = ${shop} AND c."id" = ${customerId} AND c."email" IS NOT NULL
      AND c."deletedAt" IS NULL AND c."redactedAt" IS NULL
      AND o."shop" = ${shop} AND o."customerId" IS NULL AND lower(o."email") = lower(c."email")
    RETURNING o."id"`;
  return rows.map((r) => r.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The live customer a guest order's email belongs to, if the mirror knows one. */
export async function customerIdForEmail(tx: Tx, shop: string, email: string | null): Promise<bigint | null> {
  if (!email) return null;
  const row = await tx.customer.findFirst({
    where: { shop, email: { equals: email.trim(), mode: "insensitive" }, deletedAt: null, redactedAt: null },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  return row?.id ?? null;
}

/** customers/delete: the member stops earning; its ledger stays for the books. */
export async function markMemberDeleted(tx: Tx, shop: string, customerId: bigint, reason: string) {
  await tx.member.updateMany({
    where: { shop, customerId, status: { not: "deleted" } },
    data: { status: "deleted", statusReason: reason, metafieldsDirty: true },
  });
}
