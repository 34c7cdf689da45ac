import type { PrismaClient } from "../app/db.server";
import { memberPrograms } from "../app/loyalty/services/member-program.server";
import { currentProgramVersion } from "../app/loyalty/services/program.server";
import { readAppearance } from "../app/storefront/widget-appearance";
import { metafieldsOf } from "../emulator/graphql/metafields";
import type { Emulator } from "../emulator/server";
import { startStorefront, type StorefrontHarness } from "./storefront";

// The demo's storefront: the theme page with the widget, for the demo shop, on a fixed
// port beside the emulator's admin. The appearance is whatever the merchant saved on
// /app/widget (the shop's $app.widget metafield in the emulator, read on every page as
// Liquid would); a customer's holdout is the app's own program resolution. The bar above
// the page views it as a guest, a member saving towards a reward, and a held-out customer.

export const STOREFRONT_PORT = Number(process.env.STOREFRONT_PORT ?? 4300);

/** A member part-way to the dearest reward and the next tier (the panel shows both), and a held-out customer. */
async function pickCustomers(db: PrismaClient, shop: string, now: Date) {
  const resolve = await memberPrograms(db, shop, now);
  const { program } = await currentProgramVersion(db, shop);
  const dearest = Math.max(0, ...program.rewards.filter((r) => r.active).map((r) => r.pointsCost));
  const top = program.tiers.levels.at(-1)?.id;
  const saving = await db.member.findMany({
    // Below the top tier too, so both progress bars show.
    where: {
      shop,
      status: "active",
      availablePoints: { gt: 0, lt: dearest },
      ...(top ? { OR: [{ tierId: null }, { tierId: { not: top } }] } : {}),
    },
    orderBy: { availablePoints: "desc" },
    select: { customerId: true },
    take: 200,
  });
  const any = await db.member.findMany({
    where: { shop, status: "active" },
    orderBy: { availablePoints: "desc" },
    select: { customerId: true },
    take: 500,
  });
  const member = [...saving, ...any].find((m) => !resolve(m.customerId).heldOut);
  const heldOut = any.find((m) => resolve(m.customerId).heldOut);
  return { member: member?.customerId ?? null, heldOut: heldOut?.customerId ?? null };
}

export async function startDemoStorefront(options: {
  db: PrismaClient;
  emulator: Emulator;
  shop: string;
  appUrl: string;
  secret: string;
}): Promise<StorefrontHarness> {
  const { db, emulator, shop } = options;
  const state = emulator.store.requireShop(shop);
  const picked = await pickCustomers(db, shop, new Date());
  const name = (id: bigint | number) => state.customers.get(Number(id))?.firstName ?? `customer ${id}`;
  return startStorefront({
    appUrl: options.appUrl,
    shop,
    shopName: state.shop.name,
    secret: options.secret,
    customer: null,
    host: "127.0.0.1",
    port: STOREFRONT_PORT,
    appearance: () => {
      const stored = metafieldsOf(state, state.shop.id).find((m) => m.key === "widget");
      return readAppearance(stored?.value);
    },
    findCustomer: async (id) => {
      const customer = state.customers.get(id);
      if (!customer) return null;
      const { heldOut } = (await memberPrograms(db, shop, new Date()))(BigInt(id));
      return { id, first_name: customer.firstName ?? undefined, heldOut: Boolean(heldOut) };
    },
    viewAs: [
      { label: "Guest", customer: "guest" },
      ...(picked.member ? [{ label: `Member ${name(picked.member)}`, customer: Number(picked.member) }] : []),
      ...(picked.heldOut
        ? [{ label: `Held-out ${name(picked.heldOut)} (sees no program)`, customer: Number(picked.heldOut) }]
        : []),
    ],
  });
}
