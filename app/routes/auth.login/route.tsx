import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { Card, Page } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { ShopLoginForm } from "~/admin/components/ShopLoginForm";
import { BODY_LIMITS, boundedRequest } from "~/request-body.server";
import { login } from "../../shopify.server";
import { loginErrorMessage } from "./error.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => ({
  errors: loginErrorMessage(await login(request)),
});

// The form is public: its body is read within a small cap before the library parses it.
export const action = async ({ request }: ActionFunctionArgs) => ({
  errors: loginErrorMessage(await login(await boundedRequest(request, BODY_LIMITS.loginForm))),
});

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { errors } = actionData ?? loaderData;
  return (
    <AppProvider isEmbeddedApp={false} apiKey="">
      <Page narrowWidth>
        <Card>
          <ShopLoginForm error={errors.shop} />
        </Card>
      </Page>
    </AppProvider>
  );
}
