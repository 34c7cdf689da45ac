import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page } from "@shopify/polaris";
import { CreateKeyCard, KeysCard } from "~/admin/api-keys/ApiKeysCards";
import { apiKeysAction, loadApiKeysPage, type ApiKeysAnswer } from "~/admin/api-keys/page.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "API keys · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadApiKeysPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const answer = await apiKeysAction(prisma(), session.shop, await readForm(request));
  return data<ApiKeysAnswer>(answer.body, { status: answer.status });
};

export default function ApiKeysPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const submit = (form: FormData) => fetcher.submit(form, { method: "post" });
  return (
    <Page title="API keys" subtitle="Keys other systems use to read from the Loyalty Optimizer API">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <CreateKeyCard
              page={page}
              answer={fetcher.data}
              submitting={fetcher.state !== "idle"}
              submit={submit}
            />
            <KeysCard page={page} submitting={fetcher.state !== "idle"} submit={submit} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
