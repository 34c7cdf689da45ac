import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// `npm run local` serves the app through Vite: wrap each app request in its request context
// (app/request-context.server.ts), as server.js does in production, so the request id is
// on every line loaders and actions log. The module comes from Vite's SSR module graph, the
// same instance (and log context) the Remix handler uses. Vite's own requests (sources,
// dependencies, HMR) are left alone.
function requestContext(): Plugin {
  const viteOwn = /^\/(@|node_modules\/)|\.(?!data$)[a-z0-9]+$/i;
  return {
    name: "loyalty-request-context",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (viteOwn.test((req.url ?? "/").split("?")[0]!)) return next();
        server
          .ssrLoadModule("/app/request-context.server.ts")
          .then((module) => module.handleWithRequestContext(req, res, next), next);
      });
    },
  };
}

// Every Remix v3 future flag is on, so a later move to React Router 7 is mechanical
// (docs/decisions/0001-remix-with-v3-flags.md).
export default defineConfig({
  server: {
    host: "127.0.0.1",
    port: Number(process.env.PORT || 3000),
    hmr: { port: Number(process.env.HMR_PORT || 64999) },
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    requestContext(),
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: true,
      },
    }),
    tsconfigPaths(),
  ],
  build: { assetsInlineLimit: 0 },
  // Pre-bundled at start: a dependency Vite first meets on a page (polaris-viz loads only
  // when a chart mounts) is optimised then, and the reload that follows mid-render gave
  // "Invalid hook call" under `npm run local`. The demo runs the production build instead.
  optimizeDeps: {
    include: [
      "@shopify/app-bridge-react",
      "@shopify/polaris",
      "@shopify/polaris-icons",
      "@shopify/polaris-viz",
    ],
  },
});
