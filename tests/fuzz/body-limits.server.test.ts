import type { ActionFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { feedbackToken } from "~/campaigns/feedback.server";
import { prisma } from "~/db.server";
import { adminRequest, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { signedProxyQuery } from "~/storefront/proxy-signature";
import { resetDatabase } from "~tests/support/webhooks.server";
import { answerStatus } from "./routes";

// Every route that takes a body, found from the route folder (a new route cannot escape):
// posted an endless body with no Content-Length, it must answer 413 (or 405 for a route
// that takes no POST) after reading at most a chunk past its cap. A route that reads
// its body without a cap reads the whole 40 MB this stream offers and fails here.

type RouteModule = { action?: (args: ActionFunctionArgs) => unknown };
const routes = import.meta.glob<RouteModule>([
  "../../app/routes/*.{ts,tsx}",
  "../../app/routes/*/route.{ts,tsx}",
]);

const SHOP = "fuzz-limits.myshopify.com";
const CHUNK = 1024 * 1024;
const OFFERED_CHUNKS = 40;

beforeAll(async () => {
  await resetDatabase(prisma());
  await storeSessionWithoutShopify(SHOP);
  await prisma().shop.create({ data: { domain: SHOP } });
});

function endlessBody() {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      counter.pulled += 1;
      if (counter.pulled > OFFERED_CHUNKS) controller.close();
      else controller.enqueue(new Uint8Array(CHUNK).fill(0x61));
    },
  });
  return { stream, counter };
}

/** The request a route's real caller would send: signed for the proxy, with a session token for the admin. */
function requestFor(file: string, body: ReadableStream<Uint8Array>): Request {
  const name = file.replace(/^.*\/routes\//, "").replace(/(\/route)?\.tsx?$/, "");
  const init = {
    method: "POST",
    body,
    duplex: "half",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  };
  if (name.startsWith("app")) return adminRequest(SHOP, `/${name.replaceAll(".", "/")}`, init as RequestInit);
  if (name.startsWith("proxy.")) {
    const query = signedProxyQuery({ shop: SHOP, customerId: 1n, secret: "test-api-secret" });
    return new Request(`https://app.example.com/${name.replace(".", "/")}?${query}`, init as RequestInit);
  }
  // Provider webhooks name their shop in the query (Twilio's), as the URLs the app gives out do.
  const query = name.startsWith("twilio.") ? `?shop=${SHOP}` : "";
  return new Request(`http://localhost/${name.replaceAll(".", "/")}${query}`, init as RequestInit);
}

describe("body limits on every route", () => {
  it("finds the routes that take a body", async () => {
    const withActions: string[] = [];
    for (const [file, load] of Object.entries(routes)) if ((await load()).action) withActions.push(file);
    expect(withActions.map((f) => f.replace(/^.*\/routes\//, "")).sort()).toEqual(
      expect.arrayContaining([
        "app._index.tsx",
        "app.members.$customerId.tsx",
        "app.perks.tsx",
        "app.program.earning.tsx",
        "app.rewards.tsx",
        "app.tiers.tsx",
        "auth.login/route.tsx",
        "proxy.redeem.ts",
        "webhooks.tsx",
      ]),
    );
  });

  it.each(Object.keys(routes))("%s refuses an endless body with 413 before reading it", async (file) => {
    const { action } = await routes[file]!();
    if (!action) return;
    const { stream, counter } = endlessBody();
    const status = await answerStatus(() =>
      action({
        request: requestFor(file, stream),
        // The feedback URL's token is the shop's own (a valid one: the body is what is tested).
        params: { customerId: "1", id: "x", token: feedbackToken(SHOP, "test-api-secret") },
        context: {},
      }),
    );
    expect([405, 413]).toContain(status);
    // 10 MB is the largest cap (webhooks); one chunk past it is where reading stops.
    expect(counter.pulled).toBeLessThanOrEqual(12);
  });
});
