import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { lazy, useState } from "react";
import { ClientChart } from "~/admin/dashboard/ClientChart";
import { KpiTile } from "~/admin/components/KpiTile";
import { formatDateTime } from "~/admin/components/time";
import { decimal, percent } from "~/admin/lifetime-value/present";
import { formatMoney } from "~/admin/members/present";
import { MIN_WEEKS } from "~/intelligence/picks/pipeline";
import type { WeeklyPicksPage } from "./page.server";
import { chartWeeks, units, versus } from "./present";

const ForecastChart = lazy(() => import("./ForecastChart.client"));

type Result = NonNullable<WeeklyPicksPage["result"]>;

const STATUS_TEXT: Record<string, string> = {
  notEnoughData: "Not enough data yet",
  failed: "The last computation stopped on an error",
};

/** When the picks were computed, the run in progress or why the last one stopped, and Recompute. */
export function StatusCard(props: {
  page: WeeklyPicksPage;
  submitting: boolean;
  error: string | null;
  topError: string | null;
  onRecompute: (top: string) => void;
}) {
  const { run, result, timeZone } = props.page;
  const active = run && (run.status === "queued" || run.status === "running");
  const [top, setTop] = useState(String(result?.settings.top ?? 5));
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="end" gap="300">
          <Text as="h2" variant="headingMd">
            {result ? `Computed ${formatDateTime(result.computedAt, timeZone)}` : "Not computed yet"}
          </Text>
          <InlineStack gap="200" blockAlign="end">
            <div style={{ width: 120 }}>
              <TextField
                label="Products to pick"
                type="number"
                min={1}
                max={20}
                value={top}
                onChange={setTop}
                error={props.topError ?? undefined}
                autoComplete="off"
              />
            </div>
            <Button
              onClick={() => props.onRecompute(top)}
              loading={props.submitting}
              disabled={Boolean(active)}
            >
              Recompute
            </Button>
          </InlineStack>
        </InlineStack>
        <Text as="p" tone="subdued">
          Products worth bonus points next week: each one&apos;s units are forecast from its sales history,
          and a product is picked when the extra margin the bonus is expected to bring, within the stock on
          hand, is more than the bonus points will cost. Recomputed every Monday.
        </Text>
        {active && (
          <BlockStack gap="100">
            <Text as="p">
              {run.status === "queued" ? "Waiting for a worker…" : `${run.stage ?? "Working"}…`}
            </Text>
            <ProgressBar progress={Math.round(run.progress * 100)} size="small" />
          </BlockStack>
        )}
        {run && !active && run.status !== "computed" && (
          <Banner tone={run.status === "notEnoughData" ? "info" : "warning"} title={STATUS_TEXT[run.status]}>
            <p>{run.reason}</p>
            {result && <p>The picks below are from {formatDateTime(result.computedAt, timeZone)}.</p>}
          </Banner>
        )}
        {props.error && <Banner tone="critical">{props.error}</Banner>}
      </BlockStack>
    </Card>
  );
}

/** The picks: forecast, stock, incremental margin, bonus cost and net; Launch. */
export function PicksCard(props: {
  page: WeeklyPicksPage;
  result: Result;
  launching: boolean;
  onLaunch: () => void;
}) {
  const { currency } = props.page;
  const { result } = props;
  const money = (v: number) => formatMoney(Math.round(v), currency);
  const s = result.settings;
  const [selected, setSelected] = useState(result.picks[0]?.id ?? "");
  const pick = result.picks.find((p) => p.id === selected) ?? result.picks[0];
  const launched = result.launchedVersion !== null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {result.picks.length
              ? `${s.multiplier}× points on these ${result.picks.length} products next week`
              : "No product is worth a bonus next week"}
          </Text>
          {result.picks.length > 0 && (
            <Button variant="primary" onClick={props.onLaunch} loading={props.launching} disabled={launched}>
              {launched ? `Launched in version ${result.launchedVersion}` : "Launch as a points campaign"}
            </Button>
          )}
        </InlineStack>
        {result.picks.length > 0 && (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
            headings={[
              "Product",
              "Forecast units",
              "With the bonus",
              "In stock",
              "Extra margin",
              "Bonus cost",
              "Net",
            ]}
            rows={result.picks.map((p) => [
              p.title,
              units(p.baselineUnits),
              units(p.promotedUnits) + (p.stockLimited ? " (stock)" : ""),
              p.inventory === null ? "Not tracked" : String(p.inventory),
              money(p.incrementalMarginMinor) + (p.marginSource === "assumed" ? "*" : ""),
              money(p.bonusCostMinor),
              money(p.netMinor),
            ])}
            totals={[
              "",
              units(result.picks.reduce((t, p) => t + p.baselineUnits, 0)),
              units(result.picks.reduce((t, p) => t + p.promotedUnits, 0)),
              "",
              money(result.picks.reduce((t, p) => t + p.incrementalMarginMinor, 0)),
              money(result.picks.reduce((t, p) => t + p.bonusCostMinor, 0)),
              money(result.picks.reduce((t, p) => t + p.netMinor, 0)),
            ]}
            showTotalsInFooter
          />
        )}
        <Text as="p" tone="subdued">
          The bonus is expected to lift a product&apos;s units by {percent(result.model.promotion.lift - 1)}{" "}
          {result.model.promotion.source === "history"
            ? "(measured on your past campaigns)"
            : `(no past product campaign to measure it on yet: the prior ${s.multiplier}^0.2, the response of purchases to points that the simulator's shoppers follow)`}
          . The bonus costs {s.multiplier - 1} extra point{s.multiplier === 2 ? "" : "s"} per {currency} on
          every unit sold in the week, each point worth {money(s.pointValueMinor)}
          {s.pointValueKnown ? "" : " (no reward gives points a value yet)"},{" "}
          {percent(s.figures.redemptionRate)} of points redeemed (
          {s.figures.redemptionSource === "shop"
            ? "your members' rate"
            : "an assumed rate until members redeem"}
          ).
          {result.picks.some((p) => p.marginSource === "assumed") &&
            ` * No unit cost in Shopify: margin assumed at ${percent(s.figures.marginRate)}.`}
        </Text>
        {pick && (
          <BlockStack gap="200">
            <div style={{ maxWidth: 360 }}>
              <Select
                label="Sales history and forecast of"
                options={result.picks.map((p) => ({ label: p.title, value: p.id }))}
                value={pick.id}
                onChange={setSelected}
              />
            </div>
            <ClientChart height={260}>
              <ForecastChart weeks={chartWeeks(pick, result.forecastFrom)} />
            </ClientChart>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

/** How well the forecast did on the last weeks it did not see, against the naive forecasts. */
export function BacktestCard({ result }: { result: Result }) {
  const b = result.backtest;
  const w = (v: number | null) => (v === null ? "—" : decimal(v, 2));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          How well it forecasts
        </Text>
        <Text as="p" tone="subdued">
          Each of the last {b.origins} weeks forecast from the weeks before it only, for {result.products}{" "}
          products ({b.actualUnits.toLocaleString("en-US")} units sold in those weeks). WAPE is the total
          forecast error as a share of units sold: lower is better.
        </Text>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          <KpiTile label="WAPE (this forecast)" value={w(b.wape)} />
          <KpiTile
            label="WAPE (same week last year)"
            value={w(b.seasonalNaiveWape)}
            note={
              b.seasonalNaiveWape === null
                ? "Needs a year of history"
                : `This forecast: ${versus(b.wapeSeasonalOrigins!, b.seasonalNaiveWape)}`
            }
          />
          <KpiTile
            label="WAPE (last week again)"
            value={w(b.naiveWape)}
            note={`This forecast: ${versus(b.wape, b.naiveWape)}`}
          />
          <KpiTile label="Weeks of history" value={String(result.weeks)} />
        </InlineGrid>
        <Text as="p" tone="subdued">
          The forecast pools every product: a trend, each product&apos;s recent level, the price it sells at
          {result.model.seasonal ? ", the time of year" : ""}
          {result.model.promotion.source === "history" ? " and past campaigns" : ""}.
          {result.model.seasonal ? "" : " It learns the time of year once there are 60 weeks of history."}
        </Text>
      </BlockStack>
    </Card>
  );
}

export function NotEnoughCard() {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          What the picks need
        </Text>
        <Text as="p">
          At least {MIN_WEEKS + 4} weeks of orders (8 to learn from and 4 to check the forecast on) and at
          least two products that sold. With a year of history the forecast also learns the season and is
          compared with the same week last year.
        </Text>
      </BlockStack>
    </Card>
  );
}
