import { redirect, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { BlockStack, Card, List, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { ShopLoginForm } from "~/admin/components/ShopLoginForm";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Loyalty Optimizer for Shopify" }];

// Shopify opens the app with ?shop=...; those requests belong to the embedded app.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Landing() {
  return (
    <AppProvider isEmbeddedApp={false} apiKey="">
      <Page narrowWidth>
        <BlockStack gap="400">
          <Text variant="heading2xl" as="h1">
            Loyalty Optimizer
          </Text>
          <Text as="p" variant="bodyLg">
            A loyalty program that measures what it adds to your store and keeps improving it.
          </Text>
          <Card>
            <List>
              <List.Item>
                Points, tiers and rewards your customers see in the storefront, in their account and at
                checkout.
              </List.Item>
              <List.Item>
                Your customers and past orders imported on install, with points for history if you choose.
              </List.Item>
              <List.Item>
                Coming next: experiments against a holdout that show the revenue the program really adds.
              </List.Item>
            </List>
          </Card>
          <Card>
            <ShopLoginForm />
          </Card>
        </BlockStack>
      </Page>
    </AppProvider>
  );
}
