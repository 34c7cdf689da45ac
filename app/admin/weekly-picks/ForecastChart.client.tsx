import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

// One pick's recent weeks of units sold and next week's forecast, without and with the bonus.
// Browser-only (see ../dashboard/ClientChart).

export default function ForecastChart({
  weeks,
}: {
  weeks: Array<{ label: string; sold: number | null; forecast: number | null; withBonus: number | null }>;
}) {
  const series = (name: string, key: "sold" | "forecast" | "withBonus") => ({
    name,
    data: weeks.map((w) => ({ key: w.label, value: w[key] === null ? null : Number(w[key]!.toFixed(2)) })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 260 }} data-testid="weekly-picks-chart">
        <BarChart
          theme="Light"
          data={[
            series("Units sold", "sold"),
            series("Forecast", "forecast"),
            series("Forecast with the bonus", "withBonus"),
          ]}
        />
      </div>
    </PolarisVizProvider>
  );
}
