import { BlockStack, Card, DataTable, SkeletonBodyText, Text } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";
import { formatMetricValue } from "./report-present";
import type { ResponseCurveView } from "./response-curve";

// The earn-rate optimizer's response curve on the report (ADR 0041): net margin
// per member against the earn rate, smoothed across the rates tried, with the rate most likely
// to be best.

const ResponseCurveChart = lazy(() => import("./ResponseCurveChart.client"));

export function ResponseCurveCard({ view, currency }: { view: ResponseCurveView; currency: string }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const money = (x: number) => formatMetricValue(x, "money", currency);
  const placeholder = (
    <div style={{ height: 300 }}>
      <SkeletonBodyText lines={7} />
    </div>
  );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {view.title}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {`Rates from ${view.range}. The curve is each rate's estimate smoothed with its neighbours (a Gaussian process), with its 95% band, as of the update applied ${view.asOf}.`}
        </Text>
        {mounted ? (
          <Suspense fallback={placeholder}>
            <ResponseCurveChart points={view.points} format={money} />
          </Suspense>
        ) : (
          placeholder
        )}
        <Text as="p" fontWeight="semibold">
          {`Best so far: ${view.recommendation}`}
        </Text>
        <div data-testid="response-curve-rates">
          <DataTable
            columnContentTypes={["text", "numeric", "text", "numeric"]}
            headings={["Rate", "Points per unit", "Smoothed estimate (95% interval)", "Chance of being best"]}
            rows={view.candidates.map((c) => [
              c.variant,
              c.x.toString(),
              `${money(c.mean)} (${money(c.lower)} to ${money(c.upper)})`,
              `${Math.round(c.probabilityBest * 100)}%`,
            ])}
          />
        </div>
      </BlockStack>
    </Card>
  );
}
