import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { env } from "../env.server";
import { authenticate } from "../shopify.server";
import { emulatorAppBridgeUrl } from "../shopify/emulator-frame.server";
import { exchangeForUser, rawSessionToken, rememberStaff } from "../shopify/staff.server";
import { prisma } from "../db.server";

// Polaris for every admin page, and polaris-viz's for the charts on many of them (a chart's
// legend, tooltips and axes draw unstyled without it), once here rather than per page.
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

// Every page under /app is embedded in Shopify admin. In emulator mode App Bridge comes
// from the emulator's stand-in, which hands out the emulator's session tokens; otherwise
// from Shopify's CDN, as AppProvider does by default.
// The signed-in staff member's name is kept the first time they open the app, so audits
// name them (app/shopify/staff.server.ts).
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  await rememberStaff(prisma(), session.shop, sessionToken?.sub, rawSessionToken(request), exchangeForUser);
  return { apiKey: env().SHOPIFY_API_KEY, appBridgeUrl: emulatorAppBridgeUrl() };
};

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Dashboard
        </Link>
        <Link to="/app/program">Program</Link>
        <Link to="/app/rewards">Rewards</Link>
        <Link to="/app/tiers">Tiers</Link>
        <Link to="/app/members">Members</Link>
        <Link to="/app/campaigns">Campaigns</Link>
        <Link to="/app/experiments">Experiments</Link>
        <Link to="/app/insights/segments">Segments</Link>
        <Link to="/app/insights/lifetime-value">Lifetime value</Link>
        <Link to="/app/insights/churn">Churn risk</Link>
        <Link to="/app/insights/reviews">Review sentiment</Link>
        <Link to="/app/insights/scoring">Scoring</Link>
        <Link to="/app/insights/weekly-picks">Weekly picks</Link>
        <Link to="/app/insights/recommendations">Recommendations</Link>
        <Link to="/app/perks">Tier perks</Link>
        <Link to="/app/widget">Storefront widget</Link>
        <Link to="/app/imports">Reviews &amp; engagement</Link>
        <Link to="/app/migration">Migrate from another app</Link>
        <Link to="/app/privacy">Privacy requests</Link>
        <Link to="/app/settings/api-keys">API keys</Link>
        <Link to="/app/status">Status</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// The library answers some requests by throwing a Response (bounce page, re-auth); its
// boundary renders them and keeps their headers.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
