import { BlockStack, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import { lazy } from "react";
import { KpiTile } from "~/admin/components/KpiTile";
import { ClientOnly } from "./ClientOnly";
import type { LifetimeValuePage } from "./page.server";
import { decimal, estimate, percent } from "./present";

const HoldoutChart = lazy(() => import("./HoldoutChart.client"));

type Model = NonNullable<LifetimeValuePage["model"]>;

/** The fitted parameters with their standard errors and log-likelihoods. */
export function ParametersCard({ model }: { model: Model }) {
  const p = model.purchase;
  const e = model.purchaseErrors;
  const rows = [
    ["r (purchase rate shape)", estimate(p.r, e?.r)],
    ["α (purchase rate scale, days)", estimate(p.alpha, e?.alpha)],
    ["a (dropout shape)", estimate(p.a, e?.a)],
    ["b (dropout shape)", estimate(p.b, e?.b)],
    ["Log-likelihood", model.purchaseLogLik === null ? "—" : decimal(model.purchaseLogLik, 1)],
  ];
  const s = model.spend;
  const se = model.spendErrors;
  const spendRows = s
    ? [
        ["p", estimate(s.p, se?.p)],
        ["q", estimate(s.q, se?.q)],
        ["γ", estimate(s.gamma, se?.gamma)],
      ]
    : [];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          The model
        </Text>
        <Text as="p" tone="subdued">
          BG/NBD for how often each customer buys and whether they are still a customer, Gamma-Gamma for what
          each order is worth; fitted on {model.customers.toLocaleString("en-US")} customers (
          {model.repeatBuyers.toLocaleString("en-US")} repeat buyers), ± one standard error.
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric"]}
          headings={["Purchases (BG/NBD)", ""]}
          rows={rows}
        />
        {s ? (
          <DataTable
            columnContentTypes={["text", "numeric"]}
            headings={["Spend (Gamma-Gamma)", ""]}
            rows={spendRows}
          />
        ) : (
          <Text as="p" tone="caution">
            No spend model, so no money value: {model.spendReason}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** Fit on the history before a cut-off, predicted against actual repeat orders after it. */
export function EvaluationCard({ model }: { model: Model }) {
  const ev = model.evaluation;
  if (!ev) return null;
  if (!ev.ok)
    return (
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            How well it predicts
          </Text>
          <Text as="p">{ev.reason}</Text>
        </BlockStack>
      </Card>
    );
  const rows = ev.byFrequency.map((r, i) => ({
    label: i === ev.byFrequency.length - 1 && r.x >= 7 ? `${r.x}+` : String(r.x),
    customers: r.customers,
    predicted: r.predicted,
    actual: r.actual,
  }));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          How well it predicts
        </Text>
        <Text as="p" tone="subdued">
          Fitted again on the first {Math.round(ev.calibrationDays)} days of your history only, then asked how
          many repeat orders its {ev.customers.toLocaleString("en-US")} customers would place in the last{" "}
          {ev.holdoutDays} days.
        </Text>
        <InlineGrid columns={3} gap="400">
          <KpiTile label="Predicted repeat orders" value={Math.round(ev.predicted).toLocaleString("en-US")} />
          <KpiTile label="Actual repeat orders" value={ev.actual.toLocaleString("en-US")} />
          <KpiTile
            label="Difference"
            value={
              ev.relativeError === null
                ? "—"
                : `${ev.relativeError >= 0 ? "+" : ""}${percent(ev.relativeError)}`
            }
          />
        </InlineGrid>
        <Text as="h3" variant="headingSm">
          Repeat orders per customer in the last {ev.holdoutDays} days, by repeat orders before
        </Text>
        <ClientOnly height={260}>
          <HoldoutChart rows={rows} />
        </ClientOnly>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
          headings={["Repeat orders before", "Customers", "Predicted per customer", "Actual per customer"]}
          rows={rows.map((r) => [
            r.label,
            r.customers.toLocaleString("en-US"),
            decimal(r.predicted),
            decimal(r.actual),
          ])}
        />
      </BlockStack>
    </Card>
  );
}
