import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import type { ResponseCurvePoint } from "./response-curve";

// A response curve: the objective's estimate against the lever's value, with its 95% band as
// dashed lines (a simple chart until the shared response-curve chart lands). polaris-viz always
// draws its y axis from zero, which flattens a curve that moves by a few percent: the values are
// drawn less a round offset just below the band, and the axis labels add it back, so they read
// true values on an axis that starts at the offset. polaris-viz reads `window` while rendering:
// this module only loads in the browser (ResponseCurveCard lazy-loads it).

/** A round number at or below the band's lowest point, on the scale of the band's height. */
export function axisOffset(points: readonly ResponseCurvePoint[]): number {
  const low = Math.min(...points.map((p) => p.lower));
  const high = Math.max(...points.map((p) => p.upper));
  if (!(low > 0) || !(high > low)) return 0;
  const step = Math.pow(10, Math.floor(Math.log10(high - low)));
  return Math.floor(low / step) * step;
}

export default function ResponseCurveChart({
  points,
  format,
}: {
  points: ResponseCurvePoint[];
  format: (value: number) => string;
}) {
  const offset = axisOffset(points);
  const line = (name: string, key: "mean" | "lower" | "upper", dashed: boolean) => ({
    name,
    color: "#2c6ecb",
    styleOverride: {
      line: dashed ? { width: 1, strokeDasharray: "3 3", hasArea: false } : { width: 2, hasArea: false },
    },
    data: points.map((p) => ({ key: p.label, value: p[key] - offset })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 300 }} data-testid="response-curve-chart">
        <LineChart
          theme="Light"
          data={[
            line("Estimate", "mean", false),
            line("95% low", "lower", true),
            line("95% high", "upper", true),
          ]}
          showLegend
          yAxisOptions={{ labelFormatter: (value) => format(Number(value ?? 0) + offset) }}
        />
      </div>
    </PolarisVizProvider>
  );
}
