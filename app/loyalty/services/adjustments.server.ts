import type { PrismaClient } from "~/db.server";
import type { Member } from "~/generated/prisma/client";
import { appendEntries, lockMember } from "./ledger.server";
import { adjustmentKey } from "../ledger-keys";
import { memberProgram } from "./member-program.server";

// Manual adjustments by staff: one ledger entry of kind "adjustment" in the available
// bucket, keyed by the id the form was rendered with, so a double submit or a retried
// request applies once. Staff and reason are recorded on the entry.

export interface AdjustmentInput {
  shop: string;
  customerId: bigint;
  /** Signed whole points: positive adds, negative removes. */
  points: number;
  reason: string;
  staffId: string;
  adjustmentId: string;
  now: Date;
  /** The staff confirmed that a removal may take the available balance below zero. */
  allowNegative?: boolean;
}

export interface AdjustmentResult {
  /** False when this adjustment id was applied before: nothing changed now. */
  applied: boolean;
  member: Member;
}

/** A refusal the admin shows next to the field; `status` is the HTTP status to answer with. */
export class AdjustmentRefused extends Error {
  constructor(
    readonly status: 404 | 422,
    readonly fieldErrors: Record<string, string>,
  ) {
    super(Object.values(fieldErrors).join(" "));
    this.name = "AdjustmentRefused";
  }
}

export async function adjustPoints(db: PrismaClient, input: AdjustmentInput): Promise<AdjustmentResult> {
  const reason = input.reason.trim();
  const problems: Record<string, string> = {};
  if (!Number.isSafeInteger(input.points) || input.points === 0)
    problems.points = "Enter a whole, non-zero number of points.";
  if (!reason) problems.reason = "Say why you are adjusting the balance.";
  if (!input.staffId.trim()) problems._form = "The adjustment must name the staff member making it.";
  if (!input.adjustmentId.trim()) problems._form = "The form is out of date; reload the page.";
  if (Object.keys(problems).length) throw new AdjustmentRefused(422, problems);

  const key = adjustmentKey(input.shop, input.adjustmentId);
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, input.shop, input.customerId);
    if (!member) throw new AdjustmentRefused(404, { _form: "This customer is not a member of the program." });
    // Read under the member lock: racing submits then see one program row, not two inserts.
    const { version, variants } = await memberProgram(tx, input.shop, input.customerId, input.now);
    // A replayed submit must answer as the first one did, even if the balance moved since.
    const existing = await tx.ledgerEntry.findUnique({ where: { shop_key: { shop: input.shop, key } } });
    if (existing) return { applied: false, member };
    if (input.points < 0 && -input.points > member.availablePoints && !input.allowNegative) {
      throw new AdjustmentRefused(422, {
        points: `The member has ${member.availablePoints.toLocaleString("en-US")} points available. Confirm to take the balance below zero.`,
      });
    }
    const result = await appendEntries(tx, member, [
      {
        key,
        kind: "adjustment",
        points: input.points,
        bucket: "available",
        occurredAt: input.now,
        programVersion: version,
        experimentVariants: variants,
        staffId: input.staffId,
        reason,
      },
    ]);
    return { applied: result.inserted.length === 1, member: result.member };
  });
}
