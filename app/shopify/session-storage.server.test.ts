import { Session } from "@shopify/shopify-api";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "../db.server";
import { env } from "../env.server";
import { PrismaSessionStorage } from "./session-storage.server";

const db = createPrisma(env().DATABASE_URL);
const storage = new PrismaSessionStorage(() => db);
const shop = `sessions-${Date.now()}.myshopify.com`;

afterAll(() => db.$disconnect());

describe("PrismaSessionStorage", () => {
  it("round-trips an expiring offline session with its refresh token", async () => {
    const expires = new Date(Date.now() + 3600_000);
    const refreshTokenExpires = new Date(Date.now() + 30 * 86400_000);
    const session = new Session({
      id: `offline_${shop}`,
      shop,
      state: "state",
      isOnline: false,
      scope: "read_orders,write_discounts",
      expires,
      accessToken: "shpat_offline",
      refreshToken: "shprt_refresh",
      refreshTokenExpires,
    });
    expect(await storage.storeSession(session)).toBe(true);
    const loaded = await storage.loadSession(session.id);
    expect(loaded?.equals(session)).toBe(true);
    expect(loaded?.refreshToken).toBe("shprt_refresh");
    expect(loaded?.refreshTokenExpires?.getTime()).toBe(refreshTokenExpires.getTime());
  });

  it("round-trips an online session with its associated user", async () => {
    const session = new Session({
      id: `${shop}_42`,
      shop,
      state: "s",
      isOnline: true,
      scope: "read_orders",
      expires: new Date(Date.now() + 60_000),
      accessToken: "shpua_online",
      onlineAccessInfo: {
        expires_in: 60,
        associated_user_scope: "read_orders",
        associated_user: {
          id: 42,
          first_name: "Ada",
          last_name: "Lovelace",
          email: "ada@example.com",
          account_owner: true,
          locale: "en",
          collaborator: false,
          email_verified: true,
        },
      },
    });
    await storage.storeSession(session);
    const loaded = await storage.loadSession(session.id);
    expect(loaded?.onlineAccessInfo?.associated_user).toMatchObject({
      id: 42,
      email: "ada@example.com",
      account_owner: true,
    });
    expect(loaded?.isOnline).toBe(true);
  });

  it("updates in place, finds by shop and deletes", async () => {
    const session = new Session({
      id: `offline_${shop}`,
      shop,
      state: "s2",
      isOnline: false,
      accessToken: "shpat_new",
    });
    await storage.storeSession(session);
    expect((await storage.loadSession(session.id))?.accessToken).toBe("shpat_new");
    expect((await storage.findSessionsByShop(shop)).map((s) => s.id).sort()).toEqual(
      [`${shop}_42`, `offline_${shop}`].sort(),
    );
    await storage.deleteSessions([`${shop}_42`, `offline_${shop}`]);
    expect(await storage.findSessionsByShop(shop)).toEqual([]);
    expect(await storage.loadSession("missing")).toBeUndefined();
    expect(await storage.deleteSession("missing")).toBe(true);
  });
});
