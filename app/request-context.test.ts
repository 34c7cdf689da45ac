import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { logContext, logger } from "./logger.server";
import { handleWithRequestContext } from "./request-context.server";

// The servers run each request inside handleWithRequestContext; a loader is whatever runs
// after it, any number of awaits later. Every line it logs must carry the request id.

const seen: Array<Record<string, string>> = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) =>
    handleWithRequestContext(req, res, () => {
      void (async () => {
        await new Promise((r) => setTimeout(r, 5)); // a loader's database round trip
        await Promise.resolve();
        seen.push({ ...logContext() });
        res.end("ok");
      })();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("handleWithRequestContext", () => {
  it("gives everything the request runs its id, and answers with it", async () => {
    const response = await fetch(`${base}/app/members?shop=a.myshopify.com`);
    const id = response.headers.get("X-Request-Id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.at(-1)).toEqual({ requestId: id });

    const again = await fetch(`${base}/app`);
    expect(again.headers.get("X-Request-Id")).not.toBe(id);
  });

  it("keeps an upstream proxy's id when it looks like one, and replaces one that does not", async () => {
    const kept = await fetch(`${base}/`, { headers: { "X-Request-Id": "edge-1234abcd.5" } });
    expect(kept.headers.get("X-Request-Id")).toBe("edge-1234abcd.5");
    expect(seen.at(-1)).toEqual({ requestId: "edge-1234abcd.5" });

    const replaced = await fetch(`${base}/`, { headers: { "X-Request-Id": "<script>" } });
    expect(replaced.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs one access line in the request's context, without the query string", async () => {
    const lines: Array<{ fields: unknown; context: Record<string, string> }> = [];
    const info = vi.spyOn(logger(), "info").mockImplementation(((fields: unknown) => {
      lines.push({ fields, context: { ...logContext() } });
    }) as never);
    try {
      const response = await fetch(`${base}/proxy/status?shop=a.myshopify.com&signature=secret`);
      await response.text();
      await vi.waitFor(() => expect(lines).toHaveLength(1));
      expect(lines[0]).toEqual({
        fields: {
          method: "GET",
          path: "/proxy/status",
          status: 200,
          ms: expect.any(Number),
          shop: "a.myshopify.com",
        },
        context: { requestId: response.headers.get("X-Request-Id") },
      });
    } finally {
      info.mockRestore();
    }
  });
});
