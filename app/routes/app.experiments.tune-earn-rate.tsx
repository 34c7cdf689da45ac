import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  FormLayout,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { prisma } from "~/db.server";
import { loadTuneEarnRate, tuneEarnRate } from "~/experiments/earn-rate-optimizer.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Tune earn rate · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadTuneEarnRate(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const form = Object.fromEntries(await readForm(request));
  const answer = await tuneEarnRate(prisma(), session.shop, form, sessionToken?.sub ?? null);
  return data(answer, { status: answer.ok ? 200 : answer.status });
};

export default function TuneEarnRatePage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const shopify = useAppBridge();
  const [min, setMin] = useState(String(page.suggested.min));
  const [max, setMax] = useState(String(page.suggested.max));
  const [count, setCount] = useState(String(page.suggested.count));
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) {
      shopify.toast.show(fetcher.data.value.message);
      navigate(`/app/experiments/${fetcher.data.value.id}`);
    }
  }, [fetcher.state, fetcher.data, shopify, navigate]);
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const errors = failure?.fieldErrors ?? {};
  return (
    <Page title="Tune earn rate" backAction={{ content: "Experiments", url: "/app/experiments" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="p">
                {`Your members earn ${page.live} point${page.live === 1 ? "" : "s"} per ${page.currency} today. Name a range of earn rates: the optimizer spreads rates over it (the live rate among them), gives new members each rate, and moves them toward the rates with the best net margin per member, smoothing each rate's estimate with its neighbours'.`}
              </Text>
              {failure && <Banner tone="critical" title={failure.message} />}
              <FormLayout>
                <FormLayout.Group>
                  <TextField
                    label={`Lowest rate (points per ${page.currency})`}
                    type="number"
                    autoComplete="off"
                    value={min}
                    onChange={setMin}
                    error={errors.min}
                    helpText="Above zero."
                  />
                  <TextField
                    label={`Highest rate (points per ${page.currency})`}
                    type="number"
                    autoComplete="off"
                    value={max}
                    onChange={setMax}
                    error={errors.max}
                    helpText={`Below ${page.limits.factor}× the live rate.`}
                  />
                  <TextField
                    label="Rates to try"
                    type="number"
                    autoComplete="off"
                    value={count}
                    onChange={setCount}
                    error={errors.count}
                    helpText={`${page.limits.minCount} to ${page.limits.maxCount}, the live rate included when it is in the range.`}
                  />
                </FormLayout.Group>
              </FormLayout>
              <Text as="p" variant="bodySm" tone="subdued">
                It runs as a bandit on net margin per member: a day at equal shares, at least 1% of new
                members per rate, at most 20 points of change per hourly update. Nothing ships by itself: you
                choose the rate to ship from the report.
              </Text>
              <div>
                <Button
                  variant="primary"
                  loading={fetcher.state !== "idle"}
                  onClick={() => fetcher.submit({ min, max, count }, { method: "post" })}
                >
                  Start tuning
                </Button>
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
