import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { formatScore } from "./present";

// The review-sentiment page's charts. polaris-viz reads `window` while rendering: this module
// only loads in the browser (through ClientOnly).

const weekLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const label = (week: unknown) => weekLabel.format(new Date(`${String(week)}T00:00:00Z`));
const count = (value: number | string | null) => Number(value ?? 0).toLocaleString("en-US");

export function WeeklySentimentChart({
  weeks,
}: {
  weeks: Array<{ week: string; reviews: number; meanSentiment: number | null }>;
}) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 240 }} data-testid="sentiment-weekly">
        <LineChart
          theme="Light"
          showLegend={false}
          data={[
            {
              name: "Mean sentiment",
              // Weeks without reviews have no mean: left out rather than drawn as 0.
              data: weeks.flatMap((w) =>
                w.meanSentiment === null ? [] : [{ key: w.week, value: w.meanSentiment }],
              ),
            },
          ]}
          xAxisOptions={{ labelFormatter: label }}
          yAxisOptions={{ labelFormatter: (value) => formatScore(Number(value ?? 0)) }}
          tooltipOptions={{ valueFormatter: (value) => formatScore(value === null ? null : Number(value)) }}
        />
      </div>
    </PolarisVizProvider>
  );
}

export function WeeklyCountChart({ weeks }: { weeks: Array<{ week: string; reviews: number }> }) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 200 }} data-testid="sentiment-weekly-count">
        <BarChart
          theme="Light"
          showLegend={false}
          data={[{ name: "Reviews", data: weeks.map((w) => ({ key: w.week, value: w.reviews })) }]}
          xAxisOptions={{ labelFormatter: label }}
          yAxisOptions={{ labelFormatter: count }}
        />
      </div>
    </PolarisVizProvider>
  );
}

export function RatingChart({ ratings }: { ratings: Array<{ stars: number; reviews: number }> }) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 240 }} data-testid="rating-distribution">
        <BarChart
          theme="Light"
          showLegend={false}
          direction="horizontal"
          data={[
            {
              name: "Reviews",
              data: [...ratings].reverse().map((r) => ({ key: `${r.stars}★`, value: r.reviews })),
            },
          ]}
          xAxisOptions={{ labelFormatter: count }}
        />
      </div>
    </PolarisVizProvider>
  );
}
