import { Badge, DataTable, Text } from "@shopify/polaris";
import type { SegmentRowView } from "./present";

const count = new Intl.NumberFormat("en-US");

/** Named RFM segments: members, share of buyers, net revenue and change since the previous run. */
export function SegmentTable({ rows }: { rows: SegmentRowView[] }) {
  return (
    <DataTable
      columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
      headings={["Segment", "Members", "Share", "Net revenue", "Since last run"]}
      rows={rows.map((r) => [
        <Text as="span" fontWeight="semibold" key="label">
          <span data-segment={r.segment}>{r.label}</span>
        </Text>,
        count.format(r.count),
        r.share,
        r.revenue,
        r.trend === null ? "—" : r.trendTone ? <Badge tone={r.trendTone}>{r.trend}</Badge> : r.trend,
      ])}
    />
  );
}
