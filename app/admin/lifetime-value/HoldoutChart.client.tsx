import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

// Predicted against actual repeat purchases per customer in the holdout, by repeat
// purchases in calibration (the CDNOW report's "conditional expectations" chart).

export default function HoldoutChart({
  rows,
}: {
  rows: Array<{ label: string; predicted: number; actual: number }>;
}) {
  const series = (name: string, key: "predicted" | "actual") => ({
    name,
    data: rows.map((r) => ({ key: r.label, value: Number(r[key].toFixed(2)) })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 260 }} data-testid="clv-holdout-chart">
        <BarChart theme="Light" data={[series("Predicted", "predicted"), series("Actual", "actual")]} />
      </div>
    </PolarisVizProvider>
  );
}
