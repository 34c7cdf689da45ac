import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";
import type { SegmentRowView } from "./present";

// polaris-viz reads `window` while rendering: this module only loads in the browser.

export default function SegmentChart({
  rows,
  previous,
}: {
  rows: SegmentRowView[];
  previous: (number | null)[];
}) {
  const data = [{ name: "Now", data: rows.map((r) => ({ key: r.label, value: r.count })) }];
  if (previous.some((p) => p !== null))
    data.push({
      name: "Previous run",
      data: rows.map((r, i) => ({ key: r.label, value: previous[i] ?? 0 })),
    });
  return (
    <PolarisVizProvider>
      <div style={{ height: 300 }} data-testid="segment-chart">
        <BarChart theme="Light" data={data} />
      </div>
    </PolarisVizProvider>
  );
}
