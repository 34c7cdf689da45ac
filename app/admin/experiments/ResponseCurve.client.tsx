import { LineChartRelational, PolarisVizProvider } from "@shopify/polaris-viz";
import type { CurvePoint } from "./optimizer-present";

// A response curve: the objective per member at each tested value of a program setting (a
// reward's cost, a tier's threshold, an earn rate), the mean as a line and the 95% interval
// as a shaded band between its bounds. Points in the order of x; one category per point.
// polaris-viz reads `window` while rendering: this module only loads in the browser
// (ResponseCurve.tsx lazy-loads it).

export default function ResponseCurveChart({
  points,
  objective,
  format,
}: {
  points: CurvePoint[];
  objective: string;
  format: (value: number) => string;
}) {
  const series = (key: "mean" | "lower" | "upper") => points.map((p) => ({ key: p.label, value: p[key] }));
  const data = [
    { name: objective, color: "#2c6ecb", styleOverride: { line: { hasArea: false } }, data: series("mean") },
    {
      name: "95% interval",
      color: "#8fb3e3",
      styleOverride: { line: { width: 1, strokeDasharray: "3 3", hasArea: false } },
      metadata: { relatedIndex: 2, areaColor: "rgba(44, 110, 203, 0.15)", legendLabel: "95% interval" },
      data: series("upper"),
    },
    {
      name: "95% interval (low)",
      color: "#8fb3e3",
      styleOverride: { line: { width: 1, strokeDasharray: "3 3", hasArea: false } },
      metadata: { relatedIndex: 1, legendLabel: "95% interval" },
      data: series("lower"),
    },
  ];
  return (
    <PolarisVizProvider>
      <div style={{ height: 300 }} data-testid="response-curve">
        <LineChartRelational
          theme="Light"
          data={data}
          showLegend
          yAxisOptions={{ labelFormatter: (value) => format(Number(value ?? 0)) }}
        />
      </div>
    </PolarisVizProvider>
  );
}
