import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { loader as overviewLoader } from "~/routes/app.program._index";
import { action, loader } from "~/routes/app.program.earning";
import { action as policiesAction } from "~/routes/app.program.policies";
import { sectionPart } from "./sections";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  STAFF_ID,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../../emulator/server";

// /app/program and its section pages through their routes: the session token
// authenticates the shop, the loaders show the live version's draft, the actions save the
// section as the next version by the signed-in staff.

const db = prisma();
const SHOP = "program-route.myshopify.com";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  await storeOfflineSession(emulator, SHOP);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR" } });
});

async function loadPage() {
  return (await loader(routeArgs(adminRequest(SHOP, "/app/program/earning")))) as Awaited<
    ReturnType<typeof loader>
  >;
}

describe("/app/program", () => {
  it("shows the overview: the live version, its cost figures and its history", async () => {
    const page = (await overviewLoader(routeArgs(adminRequest(SHOP, "/app/program")))) as Awaited<
      ReturnType<typeof overviewLoader>
    >;
    expect(page.version).toBe(1);
    expect(page.history.map((h) => h.version)).toEqual([1]);
    expect(page.economics).toMatchObject({ orderValues: null, outstandingPoints: 0 });
  });

  it("saves the policies page's parts only", async () => {
    const page = await loadPage();
    page.draft.expiry = { policy: "inactivity", days: "365", noticeDays: "30" };
    page.draft.earning.pointsPerCurrencyUnit = "7";
    const form = { basedOn: "1", section: JSON.stringify(sectionPart("policies", page.draft)) };
    const result = await answer(
      await policiesAction(routeArgs(adminRequest(SHOP, "/app/program/policies", form))),
    );
    expect(result).toEqual({ status: 200, body: { ok: true, version: 2 } });
    const { program } = await currentProgramVersion(db, SHOP);
    expect([program.expiry.policy, program.earning.pointsPerCurrencyUnit]).toEqual(["inactivity", 1]);
  });

  it("loads the shop's live program as a draft", async () => {
    const page = await loadPage();
    expect(page.version).toBe(1);
    expect(page.draft.earning.pointsPerCurrencyUnit).toBe("1");
  });

  it("sends a request without a session token to the login page", async () => {
    const request = new Request("http://127.0.0.1:3999/app/program/earning");
    const refused = await loader(routeArgs(request)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(Response);
    expect([(refused as Response).status, (refused as Response).headers.get("Location")]).toEqual([
      302,
      "/auth/login",
    ]);
  });

  it("saves the submitted draft as the next version by the signed-in staff", async () => {
    const page = await loadPage();
    page.draft.earning.pointsPerCurrencyUnit = "3";
    const form = {
      basedOn: String(page.version),
      note: "Triple points",
      section: JSON.stringify(sectionPart("earning", page.draft)),
    };
    const result = await answer(await action(routeArgs(adminRequest(SHOP, "/app/program/earning", form))));
    expect(result).toEqual({ status: 200, body: { ok: true, version: 2 } });
    const saved = await db.programVersion.findFirst({ where: { shop: SHOP, version: 2 } });
    expect(saved?.createdBy).toBe(STAFF_ID);
    expect((await currentProgramVersion(db, SHOP)).program.earning.pointsPerCurrencyUnit).toBe(3);
  });

  it("answers 422 with field errors for an invalid draft and saves nothing", async () => {
    const page = await loadPage();
    page.draft.earning.pointsPerCurrencyUnit = "-1";
    const form = {
      basedOn: String(page.version),
      note: "",
      section: JSON.stringify(sectionPart("earning", page.draft)),
    };
    const result = await answer(await action(routeArgs(adminRequest(SHOP, "/app/program/earning", form))));
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({
      ok: false,
      fieldErrors: { "earning.pointsPerCurrencyUnit": "Points per currency unit cannot be negative." },
    });
    expect((await currentProgramVersion(db, SHOP)).version).toBe(1);
  });
});
