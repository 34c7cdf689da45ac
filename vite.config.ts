import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
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
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
});
