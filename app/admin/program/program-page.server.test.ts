import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { loadProgramPage, saveProgramDraft } from "./program-page.server";

const db = prisma();
const SHOP = "program-page.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR" } });
});

async function submit(
  edit: (draft: Awaited<ReturnType<typeof loadProgramPage>>["draft"]) => void,
  basedOn?: number,
) {
  const page = await loadProgramPage(db, SHOP);
  edit(page.draft);
  return saveProgramDraft(
    db,
    SHOP,
    { basedOn: String(basedOn ?? page.version), note: "Double points", program: JSON.stringify(page.draft) },
    "staff-42",
  );
}

describe("the program page", () => {
  it("keeps the live messages (a shipped message variant) when it saves an edit", async () => {
    await loadProgramPage(db, SHOP);
    const live = await currentProgramVersion(db, SHOP);
    const subject = "{firstName}, {points} points just landed";
    const messages = {
      ...live.program.messages,
      pointsEarned: { ...live.program.messages.pointsEarned, subject },
    };
    await saveProgram(db, SHOP, { ...live.program, messages }, { basedOn: live.version, createdBy: null });
    expect(await submit((draft) => void (draft.earning.pointsPerCurrencyUnit = "3"))).toMatchObject({
      ok: true,
    });
    const { program } = await currentProgramVersion(db, SHOP);
    expect(program.earning.pointsPerCurrencyUnit).toBe(3);
    expect(program.messages.pointsEarned.subject).toBe(subject);
  });

  it("saves an edit as the next version with who and why, in minor units", async () => {
    const outcome = await submit((draft) => {
      draft.earning.pointsPerCurrencyUnit = "2";
      draft.rewards.push({
        id: "ten",
        name: "€10 off",
        active: true,
        kind: "fixedAmount",
        amount: "10",
        percent: "",
        productId: "",
        variantId: "",
        pointsCost: "1000",
        minimumSubtotal: "",
        codeLifetimeDays: "90",
        perMemberLimit: "",
        availableFrom: null,
        availableUntil: null,
      });
    });
    expect(outcome).toEqual({ ok: true, version: 2 });
    const { program } = await currentProgramVersion(db, SHOP);
    expect(program.earning.pointsPerCurrencyUnit).toBe(2);
    expect(program.rewards[0]!.value).toEqual({
      kind: "fixedAmount",
      amount: { amountMinor: 1000, currency: "EUR" },
    });
    const page = await loadProgramPage(db, SHOP);
    expect(page.history.map((h) => [h.version, h.createdBy, h.note])).toEqual([
      [2, "staff-42", "Double points"],
      [1, null, "Defaults"],
    ]);
  });

  it("answers 422 with field errors and writes no version", async () => {
    const outcome = await submit((draft) => {
      draft.earning.pointsPerCurrencyUnit = "-1";
      draft.expiry = { policy: "inactivity", days: "10", noticeDays: "30" };
    });
    expect(outcome).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: {
        "earning.pointsPerCurrencyUnit": "Points per currency unit cannot be negative.",
        "expiry.days": "At least 30 days.",
      },
    });
    expect((await currentProgramVersion(db, SHOP)).version).toBe(1);
  });

  it("answers 409 when someone saved since the editor loaded", async () => {
    await submit(() => undefined);
    const stale = await submit(() => undefined, 1);
    expect(stale).toMatchObject({ ok: false, status: 409 });
    expect((await currentProgramVersion(db, SHOP)).version).toBe(2);
  });

  it("answers 400 for a submission that is not a draft", async () => {
    const outcome = await saveProgramDraft(db, SHOP, { basedOn: "1", program: "{not json" }, null);
    expect(outcome).toMatchObject({ ok: false, status: 400 });
    const shaped = await saveProgramDraft(db, SHOP, { basedOn: "1", program: '{"earning":42}' }, null);
    expect(shaped).toMatchObject({ ok: false, status: 400 });
  });

  it("keeps the shop's currency whatever the form says", async () => {
    await submit((draft) => {
      draft.currency = "USD";
    });
    expect((await currentProgramVersion(db, SHOP)).program.currency).toBe("EUR");
  });
});
