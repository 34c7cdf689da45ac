import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { action } from "~/routes/proxy.birthday";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { signedProxyQuery } from "./proxy-signature";

// The member gives their birthday through the app proxy: signed query, real database.

const db = prisma();
const SHOP = "proxy-birthday.myshopify.com";
const SECRET = "test-api-secret"; // tests/setup/env.ts

beforeEach(async () => {
  await resetDatabase(db);
  await seedProgram(db, SHOP, {});
  await seedMember(db, SHOP, 1n, 0);
});

const post = (body: unknown, customerId: bigint | null = 1n) =>
  action({
    request: new Request(
      `https://app.example.com/proxy/birthday?${signedProxyQuery({ shop: SHOP, customerId, secret: SECRET })}`,
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
    ),
    params: {},
    context: {},
  });

describe("POST /apps/loyalty/birthday", () => {
  it("stores the month and day for the signed-in member", async () => {
    const response = await post({ month: 2, day: 29 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ birthday: { month: 2, day: 29 } });
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(
      await db.member.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId: 1n } } }),
    ).toMatchObject({
      birthdayMonth: 2,
      birthdayDay: 29,
      birthdaySetAt: expect.any(Date),
    });
  });

  it("refuses an impossible date with 422 and the field, a guest with 401, a non-member with 403 (the contract's not_member)", async () => {
    const bad = await post({ month: 4, day: 31 });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      error: { code: "invalid_request", fields: { day: "That day is not in that month." } },
    });
    expect((await post({ month: 13, day: 1 })).status).toBe(422);
    expect((await post({ month: 5, day: 10 }, null)).status).toBe(401);
    expect((await post({ month: 5, day: 10 }, 2n)).status).toBe(403);
    expect(
      await db.member.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId: 1n } } }),
    ).toMatchObject({
      birthdayMonth: null,
    });
  });
});
