import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { clipSeries, type LiftSeries } from "./report-present";

// The cumulative relative lift of the primary metric per variant, each with its interval's
// bounds as dashed lines of the same colour (the band), and zero for reference. polaris-viz
// reads `window` while rendering: this module only loads in the browser (ReportSection
// lazy-loads it).

const COLORS = ["#2c6ecb", "#8a3ffc", "#d72c0d", "#008060", "#b98900"];
const percent = new Intl.NumberFormat("en-US", {
  style: "percent",
  maximumFractionDigits: 1,
  signDisplay: "exceptZero",
});

export default function LiftChart({ series: all }: { series: LiftSeries[] }) {
  const { series, clipped } = clipSeries(all);
  const days = series[0]?.points.map((p) => p.day) ?? [];
  const data = series.flatMap((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const band = (name: string, key: "lower" | "upper") => ({
      name: `${s.variant}: ${name}`,
      color,
      styleOverride: { line: { width: 1, strokeDasharray: "3 3" } },
      data: s.points.map((p) => ({ key: p.day, value: p[key] })),
    });
    return [
      { name: s.variant, color, data: s.points.map((p) => ({ key: p.day, value: p.estimate })) },
      band("low", "lower"),
      band("high", "upper"),
    ];
  });
  data.push({
    name: "No difference",
    color: "#8c9196",
    styleOverride: { line: { width: 1, strokeDasharray: "1 4" } },
    data: days.map((day) => ({ key: day, value: 0 })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 300 }} data-testid="lift-chart">
        <LineChart
          theme="Light"
          data={data}
          showLegend={series.length > 1}
          yAxisOptions={{ labelFormatter: (value) => percent.format(Number(value ?? 0)) }}
        />
      </div>
      {clipped && (
        <p style={{ fontSize: 12, color: "#616161", margin: "4px 0 0" }}>
          The first days' intervals, wider than the chart, are cut at its edges.
        </p>
      )}
    </PolarisVizProvider>
  );
}
