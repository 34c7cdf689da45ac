import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";

// polaris-viz reads `window` while rendering, so this module only ever loads in the
// browser (the .client suffix keeps it out of the server bundle; LoyaltyCard lazy-loads it).

const dayLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

export default function PointsChart({
  days,
}: {
  days: Array<{ day: string; issued: number; redeemed: number }>;
}) {
  const series = (name: string, key: "issued" | "redeemed") => ({
    name,
    data: days.map((d) => ({ key: d.day, value: d[key] })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 280 }} data-testid="points-chart">
        <LineChart
          theme="Light"
          data={[series("Points issued", "issued"), series("Points redeemed", "redeemed")]}
          xAxisOptions={{ labelFormatter: (value) => dayLabel.format(new Date(`${value}T00:00:00Z`)) }}
          yAxisOptions={{ labelFormatter: (value) => Number(value ?? 0).toLocaleString("en-US") }}
        />
      </div>
    </PolarisVizProvider>
  );
}
