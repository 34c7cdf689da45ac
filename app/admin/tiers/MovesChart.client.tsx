import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";
import type { TierMonth } from "./overview.server";

// polaris-viz reads `window` while rendering: this module loads only in the browser
// (TiersOverviewCard lazy-loads it after mount).

const monthLabel = new Intl.DateTimeFormat("en-US", { month: "short", year: "2-digit", timeZone: "UTC" });

export default function MovesChart({ months }: { months: TierMonth[] }) {
  const series = (name: string, key: "upgrades" | "downgrades", color: string) => ({
    name,
    color,
    data: months.map((m) => ({ key: m.month, value: m[key] })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 260 }} data-testid="tier-moves-chart">
        <BarChart
          theme="Light"
          data={[series("Upgrades", "upgrades", "#2e7d32"), series("Downgrades", "downgrades", "#c62828")]}
          xAxisOptions={{ labelFormatter: (value) => monthLabel.format(new Date(`${value}-01T00:00:00Z`)) }}
          yAxisOptions={{ labelFormatter: (value) => Number(value ?? 0).toLocaleString("en-US") }}
        />
      </div>
    </PolarisVizProvider>
  );
}
