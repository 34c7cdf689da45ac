import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Card,
  ChoiceList,
  DataTable,
  Layout,
  List,
  Modal,
  Page,
  Text,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { experimentIdFrom } from "~/admin/experiments/context.server";
import { lifecycleFromForm, loadExperimentDetail } from "~/admin/experiments/detail.server";
import { formatDays, STATUS_BADGES } from "~/admin/experiments/present";
import { BanditSection } from "~/admin/experiments/BanditSection";
import { OptimizerSection } from "~/admin/experiments/OptimizerSection";
import { SegmentsCard } from "~/admin/experiments/SegmentsCard";
import { AutoApplyCard } from "~/admin/experiments/AutoApplyCard";
import { autoApplyFromForm, isAutoApplyIntent } from "~/admin/experiments/auto-apply.server";
import { ReportSection } from "~/admin/experiments/ReportSection";
import { ResponseCurveCard } from "~/admin/experiments/ResponseCurveCard";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";
import { FiguresFreshness } from "~/admin/experiments/FiguresFreshness";

export const meta: MetaFunction = () => [{ title: "Experiment · Loyalty Optimizer" }];

function idFrom(param: string | undefined): string {
  const id = experimentIdFrom(param);
  if (!id) throw new Response("Experiment not found", { status: 404 });
  return id;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const detail = await loadExperimentDetail(prisma(), session.shop, idFrom(params.experimentId), new Date());
  if (!detail) throw new Response("Experiment not found", { status: 404 });
  return detail;
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  // The body is read within its cap before anything else, whatever the URL names.
  const form = await readForm(request);
  const answer = await (isAutoApplyIntent(form) ? autoApplyFromForm : lifecycleFromForm)(
    prisma(),
    session.shop,
    idFrom(params.experimentId),
    form,
    sessionToken?.sub ?? null,
  );
  return data(answer, { status: answer.ok ? 200 : answer.status });
};

type Confirm = { intent: "stop" | "ship" | "revert" | "grant"; title: string; body: string; button: string };

export default function ExperimentPage() {
  const page = useLoaderData<typeof loader>();
  const { experiment: e, variants, exposure, report } = page;
  const fetcher = useFetcher<typeof action>();
  const shopify = useAppBridge();
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const treatments = variants.filter((v) => !v.control);
  const [shipVariant, setShipVariant] = useState<string>(treatments[0]?.key ?? "");
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) {
      shopify.toast.show(fetcher.data.message);
      setConfirm(null);
    }
  }, [fetcher.state, fetcher.data, shopify]);
  const busy = fetcher.state !== "idle";
  const run = (intent: string, extra: Record<string, string> = {}) =>
    fetcher.submit({ intent, ...extra }, { method: "post" });
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const reverted = page.audit.some((a) => a.action === "revert");
  const isTest = e.kind === "test";

  const actions: { content: string; onAction: () => void; destructive?: boolean }[] = [];
  let primary: { content: string; onAction: () => void; loading?: boolean; disabled?: boolean } | undefined;
  if (e.status === "draft") primary = { content: "Launch", onAction: () => run("launch") };
  if (e.status === "paused") primary = { content: "Resume", onAction: () => run("resume") };
  if (e.status !== "draft")
    actions.push({ content: "Refresh report", onAction: () => run("refresh-report") });
  if (e.status === "running") actions.push({ content: "Pause", onAction: () => run("pause") });
  if (e.status === "running" || e.status === "paused")
    actions.push({
      content: isTest ? "Stop" : "End holdout",
      destructive: true,
      onAction: () =>
        setConfirm({
          intent: "stop",
          title: isTest ? `Stop ${e.name}?` : "End the program holdout?",
          body: isTest
            ? "Every member gets the live program again. The report keeps the data collected so far; a stopped experiment cannot be resumed."
            : "Held-out customers join the program from now on. The holdout's report keeps the data collected so far.",
          button: isTest ? "Stop experiment" : "End holdout",
        }),
    });
  if (isTest && ["running", "paused", "stopped"].includes(e.status) && treatments.length)
    primary = {
      content: "Ship a variant",
      onAction: () =>
        setConfirm({
          intent: "ship",
          title: "Ship a variant to every member?",
          body: "Shipping ends the experiment and saves the live program with the variant's change as a new program version. You can revert it afterwards.",
          button: "Ship",
        }),
    };
  if (e.status === "shipped" && !reverted)
    actions.push({
      content: "Revert ship",
      destructive: true,
      onAction: () =>
        setConfirm({
          intent: "revert",
          title: "Revert the shipped change?",
          body: `Saves the program as it was before version ${e.shippedVersion} as a new version. Points already credited keep the version that credited them.`,
          button: "Revert",
        }),
    });
  if (!isTest && e.status === "stopped" && !e.grantedAt && e.shadowPoints > 0)
    primary = {
      content: "Grant held-out points",
      onAction: () =>
        setConfirm({
          intent: "grant",
          title: "Grant the held-out customers their points?",
          body: `Each held-out customer is credited the points the live program would have given them while the holdout ran (${e.shadowPoints.toLocaleString("en-US")} points in all). Granting twice gives nobody points twice.`,
          button: "Grant points",
        }),
    };
  if (primary) primary = { ...primary, loading: busy, disabled: busy };

  const badge = STATUS_BADGES[e.status];
  return (
    <Page
      title={e.name}
      titleMetadata={<Badge tone={badge.tone}>{badge.label}</Badge>}
      subtitle={[e.lever, formatDays(e.days), e.launchedAt ? `launched ${e.launchedAt}` : null]
        .filter(Boolean)
        .join(" · ")}
      backAction={{ content: "Experiments", url: "/app/experiments" }}
      primaryAction={primary}
      secondaryActions={actions}
    >
      <Layout>
        {page.simulatedNotice && (
          <Layout.Section>
            <Banner tone="info">
              <p>{page.simulatedNotice}</p>
            </Banner>
          </Layout.Section>
        )}
        {failure && (
          <Layout.Section>
            <Banner tone="critical" title={failure.message}>
              {Object.values(failure.fieldErrors).map((m) => (
                <p key={m}>{m}</p>
              ))}
            </Banner>
          </Layout.Section>
        )}
        {page.autoApply.state.tone === "critical" && (
          <Layout.Section>
            <Banner tone="critical" title={page.autoApply.state.title}>
              {page.autoApply.state.lines.map((line) => (
                <p key={line}>{line}</p>
              ))}
            </Banner>
          </Layout.Section>
        )}
        {page.autoApply.revert && (
          <Layout.Section>
            <Banner
              tone="success"
              title={`The optimizer shipped ${page.autoApply.revert.variant} as program version ${page.autoApply.revert.version}`}
              action={{ content: "Revert", onAction: () => run("revert"), loading: busy }}
            >
              <p>{page.autoApply.state.lines[0]}</p>
            </Banner>
          </Layout.Section>
        )}
        {e.shippedVariant && !page.autoApply.revert && (
          <Layout.Section>
            <Banner tone={reverted ? "info" : "success"}>
              <p>
                {variants.find((v) => v.key === e.shippedVariant)?.name ?? e.shippedVariant} was shipped as
                program version {e.shippedVersion}
                {reverted ? "; the ship has since been reverted." : "."}
              </p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            {page.figures && <FiguresFreshness figures={page.figures} />}
            {exposure.srm.warning && !report.available && (
              <Banner tone="critical" title="Sample ratio mismatch">
                <p>
                  Exposed members do not split as the weights say (χ² p ={" "}
                  {exposure.srm.pValue < 0.001 ? "< 0.001" : exposure.srm.pValue.toFixed(3)}). Find out why
                  before trusting any result.
                </p>
              </Banner>
            )}
            {report.available && report.responseCurve && (
              <ResponseCurveCard view={report.responseCurve} currency={page.currency} />
            )}
            {report.available && report.optimizer && (
              <OptimizerSection
                view={report.optimizer}
                canApply={isTest && ["running", "paused", "stopped"].includes(e.status)}
                onApply={(key) => {
                  setShipVariant(key);
                  setConfirm({
                    intent: "ship",
                    title: "Apply the recommended threshold?",
                    body: "Applying ends the search and saves the live program with this threshold as a new program version. You can revert it afterwards.",
                    button: "Apply",
                  });
                }}
              />
            )}
            {report.available && report.longTermNotice && (
              <Banner tone="warning" title="Long-term value is not computed">
                <p>{report.longTermNotice}</p>
              </Banner>
            )}
            {report.available && report.longTermExplanation && (
              <Banner tone="info" title="The primary metric is long-term value">
                <p>{report.longTermExplanation}</p>
              </Banner>
            )}
            {report.available && report.bandit && <BanditSection view={report.bandit} />}
            {report.available && report.segments && <SegmentsCard view={report.segments} />}
            {report.available ? (
              <ReportSection view={report.view} series={report.series} />
            ) : (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Report
                  </Text>
                  <div data-report-note>
                    <Text as="p" tone="subdued">
                      {report.reason}
                    </Text>
                  </div>
                </BlockStack>
              </Card>
            )}
            {isTest && <AutoApplyCard view={page.autoApply} />}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Exposure
                </Text>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                  headings={[
                    "Variant",
                    e.isBandit ? "Share now" : "Weight",
                    "Exposed members",
                    e.isBandit ? "Expected by allocation" : "Expected by weight",
                  ]}
                  rows={variants.map((v) => [
                    `${v.name}${v.control ? " (control)" : ""}`,
                    v.share,
                    v.exposed.toLocaleString("en-US"),
                    v.expected.toLocaleString("en-US"),
                  ])}
                  totals={["", "", exposure.total.toLocaleString("en-US"), ""]}
                  showTotalsInFooter
                />
                <Text as="p" variant="bodySm" tone="subdued">
                  {exposure.rule}
                  {exposure.srm.reason ? ` Sample ratio check: ${exposure.srm.reason}.` : ""}
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Definition
                </Text>
                {e.hypothesis && <Text as="p">{e.hypothesis}</Text>}
                <List>
                  <List.Item>Audience: {e.audience}</List.Item>
                  {isTest && <List.Item>Traffic: {e.trafficPercent}% of the lever's members</List.Item>}
                  {e.isBandit && <List.Item>Allocation: bandit (moves traffic to the better arm)</List.Item>}
                  <List.Item>Primary metric: {e.primaryMetric}</List.Item>
                  {e.secondaryMetrics.length > 0 && (
                    <List.Item>Secondary: {e.secondaryMetrics.join(", ")}</List.Item>
                  )}
                  {e.guardrails.map((g) => (
                    <List.Item key={g}>Guardrail: {g}</List.Item>
                  ))}
                  {e.stoppedAt && <List.Item>Ended {e.stoppedAt}</List.Item>}
                  {!isTest && (
                    <List.Item>
                      Shadow ledger: {e.shadowPoints.toLocaleString("en-US")} points held-out customers would
                      have earned{e.grantedAt ? `, granted ${e.grantedAt}` : ""}
                    </List.Item>
                  )}
                </List>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Variants
                </Text>
                {variants.map((v) => (
                  <BlockStack gap="050" key={v.key}>
                    <Text as="p" fontWeight="semibold">
                      {v.name} · {v.share}
                      {v.control ? " · control" : ""}
                    </Text>
                    <Text as="p" tone="subdued">
                      {v.change}
                    </Text>
                  </BlockStack>
                ))}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  History
                </Text>
                {page.audit.map((a) => (
                  <Text as="p" key={a.id} tone="subdued">
                    {a.at}: {a.action}
                    {a.staff ? ` by ${a.staff}` : ""}
                  </Text>
                ))}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      {confirm && (
        <Modal
          open
          onClose={() => setConfirm(null)}
          title={confirm.title}
          primaryAction={{
            content: confirm.button,
            destructive: confirm.intent === "stop" || confirm.intent === "revert",
            loading: busy,
            onAction: () => run(confirm.intent, confirm.intent === "ship" ? { variant: shipVariant } : {}),
          }}
          secondaryActions={[{ content: "Cancel", onAction: () => setConfirm(null) }]}
        >
          <Modal.Section>
            <BlockStack gap="300">
              <Text as="p">{confirm.body}</Text>
              {confirm.intent === "ship" && (
                <ChoiceList
                  title="Variant to ship"
                  choices={treatments.map((v) => ({ label: v.name, value: v.key, helpText: v.change }))}
                  selected={[shipVariant]}
                  onChange={([value]) => setShipVariant(value ?? "")}
                />
              )}
            </BlockStack>
          </Modal.Section>
        </Modal>
      )}
    </Page>
  );
}
