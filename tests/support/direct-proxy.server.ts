import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { handleProxyNode, proxyEndpointOf } from "~/storefront/proxy-node.server";

/**
 * The production server's direct path for /proxy/* (ADR 0063) on a local port for the
 * file's tests, everything else a 404: `origin()` is its http://127.0.0.1:<port>.
 */
export function useDirectProxy(): { origin: () => string } {
  const server = createServer((req, res) => {
    const endpoint = proxyEndpointOf(req.url);
    if (endpoint) return handleProxyNode(req, res, endpoint);
    res.writeHead(404).end();
  });
  let origin = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))));
  return { origin: () => origin };
}
