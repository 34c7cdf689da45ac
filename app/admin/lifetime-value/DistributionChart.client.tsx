import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

// polaris-viz reads `window` while rendering: this module only loads in the browser.

export default function DistributionChart({ bins }: { bins: Array<{ label: string; count: number }> }) {
  return (
    <PolarisVizProvider>
      <div style={{ height: 280 }} data-testid="clv-histogram">
        <BarChart
          theme="Light"
          showLegend={false}
          data={[{ name: "Members", data: bins.map((b) => ({ key: b.label, value: b.count })) }]}
          // The axis names each bar by where it starts ("$300"; bars are of equal width, the
          // last "$600+"): whole ranges did not fit under a dozen bars and were cut to "$300-$3…".
          // The tooltip keeps the range.
          xAxisOptions={{ labelFormatter: (value) => String(value ?? "").split("–")[0]! }}
          yAxisOptions={{ labelFormatter: (value) => Number(value ?? 0).toLocaleString("en-US") }}
        />
      </div>
    </PolarisVizProvider>
  );
}
