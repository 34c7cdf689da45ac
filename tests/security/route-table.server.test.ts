import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classify, paramsOf, PUBLIC_ROUTES, ROUTES } from "./suite.server";

// The security suite covers every route because it reads them from the route table Remix
// builds; these tests make sure none falls through the classification.

describe("the route table", () => {
  it("has every route classified as admin, proxy, webhook, api or public", () => {
    const unclassified = ROUTES.filter((route) => classify(route) === null).map(
      (r) => `${r.id} (${r.pattern})`,
    );
    expect(unclassified, "classify these routes in tests/security/suite.server.ts").toEqual([]);
    expect(ROUTES.length).toBeGreaterThan(10);
  });

  it("lists as public only routes that exist", () => {
    const ids = new Set(ROUTES.map((route) => route.id));
    expect(Object.keys(PUBLIC_ROUTES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it("knows shop B's value for every dynamic segment", () => {
    for (const route of ROUTES) paramsOf(route);
  });

  it("has every path that server.js answers outside Remix in the table, as the same class", () => {
    const direct = [...readFileSync("server.js", "utf8").matchAll(/req\.url === "([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    // A new direct path must be added to the webhook battery (webhooks.server.test.ts) or its own.
    expect(direct).toEqual(["/webhooks"]);
    for (const path of direct) {
      const route = ROUTES.find((r) => r.pattern === path);
      expect(route && classify(route), path).toBe("webhook");
    }
  });
});
