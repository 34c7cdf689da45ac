import { describe, expect, it } from "vitest";
import { env } from "~/env.server";
import { BODY_LIMITS } from "~/request-body.server";
import { useDirectProxy } from "~tests/support/direct-proxy.server";
import { proxyEndpointOf } from "./proxy-node.server";
import { signedProxyQuery } from "./proxy-signature";

// The production server's direct path for the app proxy (ADR 0063), over a real HTTP
// connection: what it routes, methods, HEAD and the body cap. That it answers every proxy
// case as the route modules do is tests/security/proxy.server.test.ts's ("direct").

const SHOP = "proxy-node.myshopify.com";
const direct = useDirectProxy();

const signed = () => signedProxyQuery({ shop: SHOP, customerId: "4242", secret: env().SHOPIFY_API_SECRET });

describe("proxyEndpointOf", () => {
  it("names the endpoints under /proxy/ and nothing else", () => {
    expect(proxyEndpointOf("/proxy/status?shop=x&signature=y")).toBe("status");
    expect(proxyEndpointOf("/proxy/redeem")).toBe("redeem");
    expect(proxyEndpointOf("/proxy/inbox/")).toBe("inbox");
    expect(proxyEndpointOf("/proxy/birthday?")).toBe("birthday");
    for (const other of [
      "/proxy/",
      "/proxy/nope",
      "/proxy/constructor",
      "/proxy/status/x",
      "/proxystatus",
      "/app",
      undefined,
    ])
      expect(proxyEndpointOf(other), String(other)).toBeNull();
  });
});

describe("handleProxyNode", () => {
  it("answers a method the endpoint does not serve with 405 and Allow, before the signature", async () => {
    const post = await fetch(`${direct.origin()}/proxy/status`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET");
    const get = await fetch(`${direct.origin()}/proxy/redeem`);
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST");
  });

  it("refuses an unsigned request with the contract's JSON, never cached", async () => {
    const answer = await fetch(`${direct.origin()}/proxy/status?shop=${SHOP}`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("Cache-Control")).toBe("private, no-store");
    expect(answer.headers.get("Content-Length")).toBe(
      String((await answer.clone().arrayBuffer()).byteLength),
    );
    expect(await answer.json()).toMatchObject({ error: { code: "invalid_signature" } });
  });

  it("answers HEAD as GET, without a body", async () => {
    const head = await fetch(`${direct.origin()}/proxy/status?shop=${SHOP}`, { method: "HEAD" });
    expect(head.status).toBe(401);
    expect(await head.text()).toBe("");
  });

  it("refuses a body over the proxy's cap with 413, declared or streamed", async () => {
    const big = JSON.stringify({ month: 5, day: 4, pad: "x".repeat(BODY_LIMITS.proxy) });
    const declared = await fetch(`${direct.origin()}/proxy/birthday?${signed()}`, {
      method: "POST",
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: "invalid_request" } });
    // Chunked, with no declared length: the first bytes over the cap decide.
    const stream = new Blob([big]).stream();
    const streamed = await fetch(`${direct.origin()}/proxy/birthday?${signed()}`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("passes a body within the cap to the endpoint", async () => {
    // Month 13, day 40: the endpoint read the body and judged it (before looking for the member).
    const answer = await fetch(`${direct.origin()}/proxy/birthday?${signed()}`, {
      method: "POST",
      body: JSON.stringify({ month: 13, day: 40 }),
    });
    expect(answer.status).toBe(422);
    expect(await answer.json()).toMatchObject({
      error: { code: "invalid_request", fields: expect.any(Object) },
    });
  });
});
