import { PolarisVizProvider, StackedAreaChart } from "@shopify/polaris-viz";
import type { BanditView } from "./bandit-present";

// A bandit's allocation over time: each arm's share of new members, stacked to 100%, one
// point per update (launch at equal shares first). polaris-viz reads `window` while
// rendering: this module only loads in the browser (BanditSection lazy-loads it).

const COLORS = ["#2c6ecb", "#8a3ffc", "#d72c0d", "#008060", "#b98900", "#5c6ac4"];
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 });

export default function AllocationChart({
  history,
  arms,
}: {
  history: BanditView["history"];
  arms: { key: string; variant: string }[];
}) {
  const data = arms.map((arm, i) => ({
    name: arm.variant,
    color: COLORS[i % COLORS.length]!,
    data: history.map((h) => ({ key: h.label, value: h.shares[arm.key] ?? 0 })),
  }));
  return (
    <PolarisVizProvider>
      <div style={{ height: 300 }} data-testid="allocation-chart">
        <StackedAreaChart
          theme="Light"
          data={data}
          showLegend
          yAxisOptions={{ labelFormatter: (value) => percent.format(Number(value ?? 0)) }}
          xAxisOptions={{ labelFormatter: (value) => String(value ?? "").replace(/, \d{4},.*$/, "") }}
        />
      </div>
    </PolarisVizProvider>
  );
}
