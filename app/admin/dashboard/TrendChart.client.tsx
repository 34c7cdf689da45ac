import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";

// A line chart over the shop's calendar days (YYYY-MM-DD, already in its zone), for the
// dashboard's trends. Browser-only (see ClientChart).

const dayLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

export interface TrendSeries {
  name: string;
  points: Array<{ day: string; value: number }>;
}

export default function TrendChart({
  series,
  height,
  format,
  testId,
}: {
  series: TrendSeries[];
  height: number;
  format: (value: number) => string;
  testId: string;
}) {
  return (
    <PolarisVizProvider>
      <div style={{ height }} data-testid={testId}>
        <LineChart
          theme="Light"
          data={series.map((s) => ({
            name: s.name,
            data: s.points.map((p) => ({ key: p.day, value: p.value })),
          }))}
          xAxisOptions={{
            labelFormatter: (value) => dayLabel.format(new Date(`${String(value)}T00:00:00Z`)),
          }}
          yAxisOptions={{ labelFormatter: (value) => format(Number(value ?? 0)) }}
          tooltipOptions={{ valueFormatter: (value) => format(Number(value ?? 0)) }}
        />
      </div>
    </PolarisVizProvider>
  );
}
