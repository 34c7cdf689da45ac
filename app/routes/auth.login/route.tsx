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

// The form is public: its body is read within a small cap, and login() (which throws a
// 500 when the body is not a form or the shop is a file) gets a clean form holding only
// the shop text, if there is one.
export const action = async ({ request }: ActionFunctionArgs) => {
  const bounded = await boundedRequest(request, BODY_LIMITS.loginForm);
  const shop = await bounded.formData().then(
    (form) => form.get("shop"),
    () => null,
  );
  const form = new URLSearchParams(typeof shop === "string" ? { shop } : {});
  return { errors: loginErrorMessage(await login(new Request(request.url, { method: "POST", body: form }))) };
};

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
