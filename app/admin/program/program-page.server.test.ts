import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { ProgramDraft, RewardDraft } from "./form";
import { loadProgramPage, saveProgramSection, type SaveOptions } from "./program-page.server";
import { sectionPart, type SectionKey } from "./sections";

const db = prisma();
const SHOP = "program-page.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR" } });
});

async function submit(
  section: SectionKey,
  edit: (draft: ProgramDraft) => void,
  extra: { basedOn?: number; confirmCost?: boolean; options?: Partial<SaveOptions> } = {},
) {
  const page = await loadProgramPage(db, SHOP);
  edit(page.draft);
  return saveProgramSection(
    db,
    SHOP,
    section,
    {
      basedOn: String(extra.basedOn ?? page.version),
      note: "From the test",
      section: JSON.stringify(sectionPart(section, page.draft)),
      ...(extra.confirmCost ? { confirmCost: "yes" } : {}),
    },
    { staffId: "staff-42", ...extra.options },
  );
}

const reward = (id: string, name: string, amount: string, pointsCost = "1000"): RewardDraft => ({
  id,
  name,
  active: true,
  kind: "fixedAmount",
  amount,
  percent: "",
  productId: "",
  variantId: "",
  pointsCost,
  minimumSubtotal: "",
  codeLifetimeDays: "90",
  perMemberLimit: "",
  availableFrom: null,
  availableUntil: null,
});

describe("a program section's save", () => {
  it("keeps the live messages and widget copy (a shipped variant's) that no section edits", async () => {
    await loadProgramPage(db, SHOP);
    const live = await currentProgramVersion(db, SHOP);
    const subject = "{firstName}, {points} points just landed";
    const messages = {
      ...live.program.messages,
      pointsEarned: { ...live.program.messages.pointsEarned, subject },
    };
    const widgetCopy = { ...live.program.widgetCopy, guestPitch: "Join and save at Gold" };
    await saveProgram(
      db,
      SHOP,
      { ...live.program, messages, widgetCopy },
      { basedOn: live.version, createdBy: null },
    );
    expect(await submit("earning", (d) => void (d.earning.pointsPerCurrencyUnit = "3"))).toMatchObject({
      ok: true,
    });
    const { program } = await currentProgramVersion(db, SHOP);
    expect(program.earning.pointsPerCurrencyUnit).toBe(3);
    expect(program.messages.pointsEarned.subject).toBe(subject);
    expect(program.widgetCopy.guestPitch).toBe("Join and save at Gold");
  });

  it("saves the section over the live version as the next version, with who and why", async () => {
    await submit("rewards", (d) => void d.rewards.push(reward("ten", "€10 off", "10")));
    // The earning page's draft still has no rewards: its save must not drop the one just saved.
    const page = await loadProgramPage(db, SHOP);
    page.draft.rewards = [];
    page.draft.earning.signupBonus = "50";
    const outcome = await saveProgramSection(
      db,
      SHOP,
      "earning",
      { basedOn: String(page.version), section: JSON.stringify(sectionPart("earning", page.draft)) },
      { staffId: "staff-42" },
    );
    expect(outcome).toMatchObject({ ok: true, version: 3 });
    const { program } = await currentProgramVersion(db, SHOP);
    expect(program.earning.bonuses.signup).toBe(50);
    expect(program.rewards.map((r) => [r.id, r.value])).toEqual([
      ["ten", { kind: "fixedAmount", amount: { amountMinor: 1000, currency: "EUR" } }],
    ]);
    const history = (await loadProgramPage(db, SHOP)).history;
    expect(history.map((h) => [h.version, h.createdBy])).toEqual([
      [3, "staff-42"],
      [2, "staff-42"],
      [1, null],
    ]);
  });

  it("answers 422 with field errors and writes no version", async () => {
    const outcome = await submit("policies", (d) => {
      d.expiry = { policy: "inactivity", days: "10", noticeDays: "30" };
    });
    expect(outcome).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { "expiry.days": "At least 30 days." },
    });
    expect((await currentProgramVersion(db, SHOP)).version).toBe(1);
  });

  it("refuses a reward name twice and a reward equivalent to another with 422", async () => {
    const twins = await submit("rewards", (d) => {
      d.rewards.push(reward("a", "Ten off", "10"), reward("b", "ten OFF", "12"));
    });
    expect(twins).toMatchObject({
      status: 422,
      fieldErrors: { "rewards.1.name": "Another reward is already called “ten OFF”." },
    });
    const same = await submit("rewards", (d) => {
      d.rewards.push(reward("a", "Ten off", "10"), reward("b", "Ten off, dearer", "10", "1500"));
    });
    expect(same).toMatchObject({
      status: 422,
      fieldErrors: {
        "rewards.1.kind": "Gives the same as “Ten off” on the same conditions. Change one, or remove it.",
      },
    });
    expect((await currentProgramVersion(db, SHOP)).version).toBe(1);
  });

  it("asks before a change that raises the reward cost by more than 20%, then saves it when confirmed", async () => {
    await seedProgram(db, SHOP, {
      currency: "EUR",
      rewards: [
        {
          id: "five",
          name: "€5",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "EUR" } },
          pointsCost: 500,
        },
      ],
    });
    const asked = await submit("earning", (d) => void (d.earning.pointsPerCurrencyUnit = "2"));
    expect(asked).toMatchObject({
      ok: false,
      status: 409,
      confirmCost: { before: 100, after: 200, rise: 1 },
    });
    const url = new URL(
      (asked as { confirmCost: { experimentUrl: string } }).confirmCost.experimentUrl,
      "http://x",
    );
    expect(url.pathname).toBe("/app/experiments/new");
    expect(url.searchParams.get("lever")).toBe("earnRate");
    expect(JSON.parse(url.searchParams.get("treatment")!)).toMatchObject({ pointsPerCurrencyUnit: "2" });
    const before = (await currentProgramVersion(db, SHOP)).version;
    expect(await submit("earning", (d) => void (d.earning.pointsPerCurrencyUnit = "1.1"))).toMatchObject({
      ok: true,
    });
    const confirmed = await submit("earning", (d) => void (d.earning.pointsPerCurrencyUnit = "2"), {
      confirmCost: true,
    });
    expect(confirmed).toMatchObject({ ok: true, version: before + 2 });
  });

  it("refuses what the caller's check finds, with its message, and writes nothing", async () => {
    const outcome = await submit("tiers", (d) => void (d.tiers.downgradeGraceDays = "10"), {
      options: { check: () => [{ path: ["tiers", "levels"], message: "Too large for checkout." }] },
    });
    expect(outcome).toMatchObject({
      status: 422,
      fieldErrors: { "tiers.levels": "Too large for checkout." },
    });
    expect((await currentProgramVersion(db, SHOP)).version).toBe(1);
  });

  it("answers 409 when someone saved since the page loaded, and 400 for what is not a section", async () => {
    await submit("policies", () => undefined);
    expect(await submit("policies", () => undefined, { basedOn: 1 })).toMatchObject({
      ok: false,
      status: 409,
    });
    const broken = await saveProgramSection(
      db,
      SHOP,
      "earning",
      { basedOn: "1", section: "{not json" },
      { staffId: null },
    );
    expect(broken).toMatchObject({ status: 400 });
    const wrongPart = await saveProgramSection(
      db,
      SHOP,
      "earning",
      { basedOn: "2", section: '{"earning":42}' },
      { staffId: null },
    );
    expect(wrongPart).toMatchObject({ status: 400 });
  });

  it("keeps the shop's currency and the other sections whatever the form carries", async () => {
    const page = await loadProgramPage(db, SHOP);
    const smuggled = {
      ...sectionPart("policies", page.draft),
      currency: "USD",
      earning: { ...page.draft.earning, pointsPerCurrencyUnit: "9" },
    };
    const outcome = await saveProgramSection(
      db,
      SHOP,
      "policies",
      { basedOn: "1", section: JSON.stringify(smuggled) },
      { staffId: null },
    );
    expect(outcome).toMatchObject({ ok: true });
    const { program } = await currentProgramVersion(db, SHOP);
    expect([program.currency, program.earning.pointsPerCurrencyUnit]).toEqual(["EUR", 1]);
  });
});
