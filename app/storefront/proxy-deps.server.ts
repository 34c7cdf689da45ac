import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { redis } from "~/redis.server";
import { authenticate } from "~/shopify.server";
import type { ProxyDeps } from "./proxy.server";

/** The production wiring of the app proxy endpoints. */
export function proxyDeps(): ProxyDeps {
  return {
    db: prisma(),
    redis: redis(),
    appProxy: (request) => authenticate.public.appProxy(request),
    secret: env().SHOPIFY_API_SECRET,
  };
}
