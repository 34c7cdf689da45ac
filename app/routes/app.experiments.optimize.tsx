import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { loadOptimizePage, optimizeFromForm } from "~/admin/experiments/optimize.server";
import { prisma } from "~/db.server";
import { readForm } from "~/request-body.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Optimise a threshold · Loyalty Optimizer" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return loadOptimizePage(prisma(), session.shop, new URL(request.url));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request);
  const answer = await optimizeFromForm(
    prisma(),
    session.shop,
    await readForm(request),
    sessionToken?.sub ?? null,
  );
  return data(answer, { status: answer.ok ? 200 : answer.status });
};

const percent = (x: number) => `${Math.round(x * 100)}%`;

export default function OptimizeThresholdPage() {
  const page = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const shopify = useAppBridge();
  const [kind, setKind] = useState<"rewardCost" | "tierThreshold">(
    page.prefill?.kind ?? (page.rewards.length ? "rewardCost" : "tierThreshold"),
  );
  const targets = kind === "rewardCost" ? page.rewards : page.tiers;
  const [targetId, setTargetId] = useState(page.prefill?.targetId ?? targets[0]?.id ?? "");
  const money = kind === "tierThreshold" && page.basis === "spend";
  const unit = kind === "rewardCost" || page.basis === "points" ? "points" : money ? page.currency : "orders";
  const [min, setMin] = useState("");
  const [max, setMax] = useState("");
  const [count, setCount] = useState(String(page.counts.min));
  const [objective, setObjective] = useState<string>(page.defaultObjective);
  const [traffic, setTraffic] = useState("100");

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok && fetcher.data.intent === "launch") {
      shopify.toast.show(fetcher.data.message);
      navigate(`/app/experiments/${fetcher.data.id}`);
    }
  }, [fetcher.state, fetcher.data, shopify, navigate]);

  const answer = fetcher.data;
  const failure = answer && !answer.ok ? answer : null;
  const preview = answer?.ok && answer.intent === "preview" ? answer.preview : null;
  const errors = failure?.fieldErrors ?? {};
  const submit = (intent: "preview" | "launch") =>
    fetcher.submit(
      { intent, kind, targetId, min, max, count, objective, trafficPercent: traffic },
      { method: "post" },
    );
  const busy = fetcher.state !== "idle";
  const current = targets.find((t) => t.id === targetId)?.current;

  return (
    <Page
      title="Optimise a threshold"
      subtitle="Test several point costs of a reward, or several thresholds of a tier, and keep the one that earns most."
      backAction={{ content: "Experiments", url: "/app/experiments" }}
    >
      <Layout>
        {failure && (
          <Layout.Section>
            <Banner tone="critical" title={failure.message}>
              {Object.entries(failure.fieldErrors).map(([field, m]) => (
                <p key={field}>{m}</p>
              ))}
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                What to search
              </Text>
              <FormLayout>
                <FormLayout.Group>
                  <Select
                    label="Threshold"
                    options={[
                      { label: "A reward's point cost", value: "rewardCost", disabled: !page.rewards.length },
                      { label: "A tier's threshold", value: "tierThreshold", disabled: !page.tiers.length },
                    ]}
                    value={kind}
                    onChange={(v) => {
                      const next = v as typeof kind;
                      setKind(next);
                      setTargetId((next === "rewardCost" ? page.rewards : page.tiers)[0]?.id ?? "");
                    }}
                  />
                  <Select
                    label={kind === "rewardCost" ? "Reward" : "Tier"}
                    options={targets.map((t) => ({ label: t.name, value: t.id }))}
                    value={targetId}
                    onChange={setTargetId}
                    error={errors.targetId}
                    helpText={
                      current === undefined
                        ? undefined
                        : `Now ${money ? `${(current / page.perMajor).toLocaleString("en-US")} ${page.currency}` : `${current.toLocaleString("en-US")} ${unit}`}`
                    }
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <TextField
                    label={`From (${unit})`}
                    type="number"
                    value={min}
                    onChange={setMin}
                    autoComplete="off"
                    error={errors.min}
                  />
                  <TextField
                    label={`To (${unit})`}
                    type="number"
                    value={max}
                    onChange={setMax}
                    autoComplete="off"
                    error={errors.max}
                  />
                  <TextField
                    label="Candidates"
                    type="number"
                    value={count}
                    onChange={setCount}
                    autoComplete="off"
                    error={errors.count}
                    helpText={`${page.counts.min} to ${page.counts.max}, the live value tested beside them`}
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <Select
                    label="Objective"
                    options={page.objectives.map((o) => ({ label: o.label, value: o.key }))}
                    value={objective}
                    onChange={setObjective}
                    error={errors.objective}
                    helpText="The bandit moves new members toward the candidate with the most of it per member."
                  />
                  <TextField
                    label="Traffic (% of the lever's members)"
                    type="number"
                    value={traffic}
                    onChange={setTraffic}
                    autoComplete="off"
                    error={errors.trafficPercent}
                  />
                </FormLayout.Group>
              </FormLayout>
              <InlineStack gap="200">
                <Button onClick={() => submit("preview")} loading={busy} disabled={busy}>
                  Propose candidates
                </Button>
                <Button variant="primary" onClick={() => submit("launch")} disabled={busy || !preview}>
                  Launch the search
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        {preview && (
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Candidates for {preview.target.name}
                </Text>
                <div data-testid="optimizer-rule">
                  <Text as="p">
                    {preview.rule === "quantiles"
                      ? `The two ends of the range, and between them the values that split the ${preview.membersInRange.toLocaleString("en-US")} members inside the range evenly by ${preview.distribution}: each candidate is reached by a different share of your members.`
                      : `Evenly spaced over the range (too few members inside it to place candidates by ${preview.distribution}).`}{" "}
                    The live value is tested beside them as the control. Members are exposed when they are
                    assigned; a bandit updates daily after three days at equal shares.
                  </Text>
                </div>
                {preview.warnings.map((w) => (
                  <Banner key={w} tone="warning">
                    <p>{w}</p>
                  </Banner>
                ))}
                <DataTable
                  columnContentTypes={["text", "numeric"]}
                  headings={["Candidate", "Members at or above it"]}
                  rows={preview.candidates.map((c) => [
                    `${c.label}${c.value === preview.target.current ? " (live)" : ""}`,
                    percent(c.reachedBy),
                  ])}
                />
                <Text as="p" variant="bodySm" tone="subdued">
                  Of the {preview.members.toLocaleString("en-US")} members in the distribution (
                  {preview.distribution}
                  ), the share at or above each candidate.
                </Text>
              </BlockStack>
            </Card>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
