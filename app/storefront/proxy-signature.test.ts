import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { proxySignature, signedProxyQuery } from "./proxy-signature";

// The proxy checks Shopify's signature with our own computation (ADR 0063), so it must agree
// with the Shopify library's `validateHmac` (an independent implementation of the same rule)
// on queries Shopify may forward: extra storefront parameters in any case and order, repeated
// ones, an `hmac` parameter (the library leaves it out), values with commas and non-ASCII.

const SECRET = "proxy-signature-test-secret";
const api = shopifyApi({
  apiKey: "key",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.October25,
  hostName: "app.example.com",
  isEmbeddedApp: true,
  logger: { level: 0 },
});
const libraryAccepts = (query: URLSearchParams) =>
  api.utils.validateHmac(new URLSearchParams(query), { signator: "appProxy" }).catch(() => false);

const EXTRAS: [string, string][][] = [
  [],
  [["page", "2"]],
  [
    ["Zeta", "1"],
    ["alpha", "2"],
    ["_data", "routes/x"],
    ["b_c", "3"],
  ],
  [
    ["tag", "a"],
    ["tag", "b,c"],
  ],
  [
    ["hmac", "ignored"],
    ["q", "naïve café ✓"],
  ],
  [
    ["empty", ""],
    ["UPPER", "X"],
    ["lower", "x"],
  ],
];

describe("proxySignature", () => {
  it.each(EXTRAS.map((extra) => [extra.map(([k]) => k).join(",") || "(none)", extra] as const))(
    "signs as the Shopify library checks, extras %s",
    async (_name, extra) => {
      const query = signedProxyQuery({ shop: "sig.myshopify.com", customerId: "42", secret: SECRET, extra });
      expect(await libraryAccepts(query)).toBe(true);
      expect(proxySignature(query, SECRET)).toBe(query.get("signature"));
      // Any parameter changed, or another secret: neither accepts.
      const tampered = new URLSearchParams(query);
      tampered.set("logged_in_customer_id", "43");
      expect(await libraryAccepts(tampered)).toBe(false);
      expect(proxySignature(tampered, SECRET)).not.toBe(query.get("signature"));
      expect(proxySignature(query, "another-secret")).not.toBe(query.get("signature"));
    },
  );
});
