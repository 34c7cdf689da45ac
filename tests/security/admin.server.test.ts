import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { env } from "~/env.server";
import { loadProgramPage } from "~/admin/program/program-page.server";
import { DEFAULT_APPEARANCE } from "~/storefront/widget-appearance";
import { sectionPart, type SectionKey } from "~/admin/program/sections";
import { uploadMigration } from "~/migration/import.server";
import { callRoute, type Answer } from "./answers";
import type { AppRoute } from "./route-table";
import {
  APP_URL,
  casesOf,
  db,
  embeddedQuery,
  handlersOf,
  paramsOf,
  request,
  unchanged,
  urlOf,
  useTwoShops,
} from "./suite.server";
import { A_REWARD, adminToken, B, hostParam, SHOP_A, SHOP_B } from "./two-shops.server";

// Every embedded admin loader and action (routes under /app) against the Shopify
// library's session-token authentication: the exact answers it gives a document request
// (login redirect, admin redirect, bounce page) and a fetch request (401 with the retry
// header), and shop A's valid session aimed at shop B's ids.

useTwoShops();

/**
 * A valid form for each admin action, posted with shop A's session at shop B's ids. The
 * smuggled `shop` and `customerId` fields must change nothing: the shop comes from the
 * session token only.
 */
const CROSS_SHOP_FORMS: Record<string, () => Promise<Record<string, string>>> = {
  "routes/app._index": async () => ({ intent: "dismiss-onboarding" }),
  "routes/app.status": async () => ({ intent: "start-backfill", historyEarnsPoints: "false" }),
  "routes/app.members.$customerId": async () => ({
    points: "100",
    reason: "security suite",
    adjustmentId: randomUUID(),
  }),
  "routes/app.program.earning": () => sectionForm("earning"),
  "routes/app.program.policies": () => sectionForm("policies"),
  "routes/app.rewards": () => sectionForm("rewards"),
  "routes/app.tiers": () => sectionForm("tiers"),
  "routes/app.perks": async () => ({ discountClass: "PRODUCT", excludedProductTags: "" }),
  "routes/app.campaigns": async () => ({
    intent: "save-settings",
    fromEmail: "rewards@example.com",
    smtpHost: "127.0.0.1",
    smtpPort: "2525",
  }),
  "routes/app.widget": async () => ({ intent: "save", appearance: JSON.stringify(DEFAULT_APPEARANCE) }),
  "routes/app.migration": async () => {
    // A dry run of shop A's own upload (a file field cannot travel in this form).
    const upload = await uploadMigration(db, SHOP_A, {
      fileName: "smile.csv",
      text: "email,points_balance\nnobody@example.com,10\n",
      staffId: null,
    });
    return { intent: "dryRun", id: (upload.body as { id: string }).id };
  },
  // Rotates shop A's import secret (a file field cannot travel in this form for the upload).
  "routes/app.imports": async () => ({ intent: "rotate-secret", kind: "reviews" }),
  "routes/app.members._index": async () => ({
    points: "100",
    reason: "security suite",
    bulkId: randomUUID(),
    selection: "filter",
    filter: "",
  }),
  "routes/app.insights.lifetime-value": async () => ({ intent: "recompute" }),
  "routes/app.insights.churn": async () => ({ intent: "recompute" }),
  "routes/app.insights.reviews": async () => ({ intent: "recompute" }),
  "routes/app.insights.scoring": async () => ({ intent: "recompute" }),
  // A launch of shop A's own computed picks (a new run each time, so each launch is valid).
  "routes/app.insights.weekly-picks": async () => {
    const pick = {
      id: "1",
      title: "Mug",
      baselineUnits: 4,
      promotedUnits: 4.6,
      bonusCostMinor: 50,
      netMinor: 100,
    };
    const run = await db.weeklyPicksRun.create({
      data: {
        shop: SHOP_A,
        trigger: "test",
        status: "computed",
        currencyCode: "USD",
        forecastFrom: new Date(),
        settings: { top: 5, multiplier: 2 },
        picks: [{ ...pick, incrementalMarginMinor: 150 }],
      },
    });
    return { intent: "launch", runId: run.id, confirm: "yes" };
  },
  "routes/app.members.$customerId.review": async () => ({ orderId: "1", decision: "release" }),
  "routes/app.experiments._index": async () => {
    // Valid each time: shop A's previous holdout (from the last attack) is ended first.
    await db.experiment.updateMany({
      where: { shop: SHOP_A, kind: "holdout", status: "running" },
      data: { status: "stopped" },
    });
    return { intent: "start-holdout", sharePercent: "5" };
  },
  "routes/app.experiments.new": async () => ({
    intent: "draft",
    experiment: JSON.stringify({
      key: `security-${randomUUID().slice(0, 8)}`,
      name: "Security suite",
      lever: "earnRate",
      primaryMetric: "netRevenue",
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
      ],
    }),
  }),
  "routes/app.experiments.$experimentId": async () => ({ intent: "launch" }),
  "routes/app.experiments.tune-earn-rate": async () => ({ min: "0.5", max: "4", count: "4" }),
  // A preview of shop A's own reward (writes nothing; the launch is the same service).
  "routes/app.experiments.optimize": async () => ({
    intent: "preview",
    kind: "rewardCost",
    targetId: A_REWARD,
    min: "50",
    max: "400",
    count: "4",
    objective: "netMargin",
    trafficPercent: "100",
  }),
  "routes/app.insights.segments": async () => ({ intent: "recompute" }),
  // Shop B's segment in the URL: renaming it from shop A's session must answer 404.
  "routes/app.insights.saved-segments.$segmentId": async () => ({
    intent: "update",
    name: "Renamed by shop A",
    conditions: "minPoints=1",
  }),
  "routes/app.insights.recommendations": async () => ({ intent: "recompute" }),
  "routes/app.settings.api-keys": async () => ({
    intent: "create",
    name: "security suite",
    scopes: "recommendations:read",
  }),
};

/** A program section's save of shop A's live version, unchanged. */
async function sectionForm(section: SectionKey): Promise<Record<string, string>> {
  const page = await loadProgramPage(db, SHOP_A);
  return {
    basedOn: String(page.version),
    note: "security suite",
    section: JSON.stringify(sectionPart(section, page.draft)),
  };
}

async function formBody(route: AppRoute): Promise<URLSearchParams> {
  const form = CROSS_SHOP_FORMS[route.id];
  if (!form) throw new Error(`${route.id} has an action: add a valid form for it to CROSS_SHOP_FORMS`);
  return new URLSearchParams({ ...(await form()), shop: SHOP_B, customerId: String(B.customerId) });
}

it("has a valid form for every admin action", async () => {
  for (const { route } of handlersOf("admin").filter((h) => h.method === "POST")) await formBody(route);
});

const BROKEN_TOKENS = [
  ["a forged (another secret)", "forged"],
  ["an expired", "expired"],
  ["a not yet valid", "notYetValid"],
  ["a wrong-audience (another app's)", "wrongAudience"],
  ["an unsigned (alg none)", "unsigned"],
] as const;

/** The library's answer to a document request without a usable session token: its bounce page. */
function expectBounce(answer: Answer, route: AppRoute) {
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get("Location")!, APP_URL);
  expect(location.pathname).toBe("/auth/session-token");
  expect(location.searchParams.get("shop")).toBe(SHOP_A);
  expect(location.searchParams.has("id_token")).toBe(false);
  const reload = new URL(location.searchParams.get("shopify-reload")!);
  expect(reload.origin + reload.pathname).toBe(new URL(urlOf(route)).href);
  expect(reload.searchParams.has("id_token")).toBe(false);
}

/** The library's answer to a fetch (App Bridge adds Authorization) with a bad token: retry with a new one. */
function expectRetry(answer: Answer) {
  expect(answer.status).toBe(401);
  expect(answer.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
  expect(answer.body).toBe("");
}

/** Shop A's session is served (2xx) where the URL names no id; shop B's ids are not found. */
function expectServedToA(answer: Answer, params: Record<string, string>) {
  if (Object.keys(params).length) expect(answer.status, answer.body).toBe(404);
  else expect(Math.floor(answer.status / 100), `${answer.status} ${answer.body}`).toBe(2);
}

describe.each(casesOf("admin"))("admin %s", (_name, { route, method }) => {
  const params = paramsOf(route);
  const call = (url: string, init?: { headers?: HeadersInit; body?: BodyInit }) =>
    callRoute(route, method, request(url, method, init), params);
  // Shop B named everywhere a request can name anything: the shop and B's ids.
  const crossShopQuery = () =>
    new URLSearchParams({ shop: SHOP_B, customerId: String(B.customerId), id: B.exportId });

  it("sends a request with no credentials to the login page", async () => {
    const answer = await unchanged(() => call(urlOf(route)));
    expect(answer.status).toBe(302);
    expect(answer.headers.get("Location")).toBe("/auth/login");
  });

  it("sends a document request from outside Shopify admin into the admin", async () => {
    const query = new URLSearchParams({ shop: SHOP_A, host: hostParam(SHOP_A) });
    const answer = await unchanged(() => call(urlOf(route, query)));
    expect(answer.status).toBe(302);
    expect(answer.headers.get("Location")).toBe(
      `https://admin.shopify.com/store/security-a/apps/${env().SHOPIFY_API_KEY}`,
    );
  });

  it("bounces an embedded document request without a session token", async () => {
    expectBounce(await unchanged(() => call(urlOf(route, embeddedQuery(SHOP_A)))), route);
  });

  it.each(BROKEN_TOKENS)("refuses %s session token on a fetch request", async (_label, broken) => {
    const headers = { Authorization: `Bearer ${adminToken(SHOP_A, broken)}` };
    expectRetry(await unchanged(() => call(urlOf(route), { headers })));
  });

  it.each(BROKEN_TOKENS)("bounces a document request with %s session token", async (_label, broken) => {
    expectBounce(
      await unchanged(() => call(urlOf(route, embeddedQuery(SHOP_A, adminToken(SHOP_A, broken))))),
      route,
    );
  });

  it("serves shop A's session only shop A's data when the URL and form name shop B and its ids", async () => {
    const body = method === "POST" ? await formBody(route) : undefined;
    const headers = { Authorization: `Bearer ${adminToken(SHOP_A)}` };
    const answer = await unchanged(() => call(urlOf(route, crossShopQuery()), { headers, body }), SHOP_B);
    expectServedToA(answer, params);
  });

  it("serves shop A's session token only shop A's data on an embedded document naming shop B", async () => {
    const query = embeddedQuery(SHOP_B, adminToken(SHOP_A));
    const body = method === "POST" ? await formBody(route) : undefined;
    const answer = await unchanged(() => call(urlOf(route, query), { body }), SHOP_B);
    expectServedToA(answer, params);
  });
});
