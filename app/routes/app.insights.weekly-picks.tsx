import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Modal, Page, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { formatMoney } from "~/admin/members/present";
import { formatDateTime } from "~/admin/components/time";
import { BacktestCard, NotEnoughCard, PicksCard, StatusCard } from "~/admin/weekly-picks/PicksCards";
import { loadWeeklyPicksPage, weeklyPicksAction, type PicksAnswer } from "~/admin/weekly-picks/page.server";
import { prisma } from "~/db.server";
import { launchStart } from "~/intelligence/picks/launch-start";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";
import { useRevalidateWhile } from "~/admin/components/revalidate-while";

export const meta: MetaFunction = () => [{ title: "Weekly picks · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadWeeklyPicksPage(prisma(), session.shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const answer = await weeklyPicksAction(prisma(), session.shop, await readForm(request), {
    staffId: sessionToken?.sub ?? null,
  });
  return data<PicksAnswer>(answer.body, { status: answer.status });
};

export default function WeeklyPicksPage() {
  const page = useLoaderData<typeof loader>();
  const recompute = useFetcher<typeof action>();
  const launch = useFetcher<typeof action>();
  const [confirming, setConfirming] = useState(false);
  const active = page.run?.status === "queued" || page.run?.status === "running";
  useRevalidateWhile(active);
  const result = page.result;
  const recomputeError = recompute.data && !recompute.data.ok ? recompute.data : null;
  const launchAnswer = launch.data;
  useEffect(() => {
    if (launchAnswer?.ok) setConfirming(false);
  }, [launchAnswer]);
  const money = (v: number) => formatMoney(Math.round(v), page.currency);
  const picks = result?.picks ?? [];
  const sum = (f: (p: (typeof picks)[number]) => number) => picks.reduce((t, p) => t + f(p), 0);
  const start = result && launchStart(new Date(result.forecastFrom), new Date());
  return (
    <Page
      title="Weekly picks"
      subtitle="Bonus points on the products where they pay for themselves next week"
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <StatusCard
              page={page}
              error={recomputeError && !recomputeError.fieldErrors ? recomputeError.error : null}
              topError={recomputeError?.fieldErrors?.top ?? null}
              submitting={recompute.state !== "idle"}
              onRecompute={(top) => recompute.submit({ intent: "recompute", top }, { method: "post" })}
            />
            {result ? (
              <>
                <PicksCard
                  page={page}
                  result={result}
                  launching={launch.state !== "idle"}
                  onLaunch={() => setConfirming(true)}
                />
                <BacktestCard result={result} />
              </>
            ) : (
              <NotEnoughCard />
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
      {result && (
        <Modal
          open={confirming}
          onClose={() => setConfirming(false)}
          title="Launch the weekly picks as a points campaign?"
          primaryAction={{
            content: "Launch",
            loading: launch.state !== "idle",
            onAction: () =>
              launch.submit({ intent: "launch", runId: result.id, confirm: "yes" }, { method: "post" }),
          }}
          secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
        >
          <Modal.Section>
            <BlockStack gap="200">
              <Text as="p">
                {result.settings.multiplier}× points on {picks.length} products for 7 days from{" "}
                {start ? formatDateTime(start.toISOString(), page.timeZone) : ""}, saved as a new program
                version.
              </Text>
              <Text as="p">
                Estimated bonus cost {money(sum((p) => p.bonusCostMinor))} against{" "}
                {money(sum((p) => p.incrementalMarginMinor))} of extra margin: {money(sum((p) => p.netMinor))}{" "}
                net.
              </Text>
              {launchAnswer && !launchAnswer.ok && (
                <Text as="p" tone="critical">
                  {launchAnswer.error}
                </Text>
              )}
            </BlockStack>
          </Modal.Section>
        </Modal>
      )}
    </Page>
  );
}
