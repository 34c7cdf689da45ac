import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";

// The document shell. Polaris styles and App Bridge come in with the embedded layout
// (routes/app.tsx); Inter is Shopify admin's typeface, falling back to the system font.
export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="shopify-debug" content="web-vitals" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="stylesheet" href="https://cdn.shopify.com/static/fonts/inter/v4/styles.css" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
