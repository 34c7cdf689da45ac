import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

// Precision@k of each method on the time holdout; polaris-viz reads `window` while
// rendering, so this module only loads in the browser.

export default function EvaluationChart({
  rows,
}: {
  rows: Array<{ label: string; values: Array<{ k: number; precision: number }> }>;
}) {
  const ks = rows[0]?.values.map((v) => v.k) ?? [];
  return (
    <PolarisVizProvider>
      <div style={{ height: 260 }} data-testid="recommendation-evaluation-chart">
        <BarChart
          theme="Light"
          data={ks.map((k, j) => ({
            name: `Precision@${k}`,
            data: rows.map((r) => ({
              key: r.label,
              value: Number((r.values[j]!.precision * 100).toFixed(2)),
            })),
          }))}
          yAxisOptions={{ labelFormatter: (value) => `${Number(value ?? 0).toFixed(1)}%` }}
        />
      </div>
    </PolarisVizProvider>
  );
}
