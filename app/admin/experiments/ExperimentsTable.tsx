import { Badge, IndexTable, Link, Text, Tooltip } from "@shopify/polaris";
import type { ExperimentStatus } from "~/generated/prisma/enums";
import { formatDays, STATUS_BADGES } from "./present";

export type ExperimentRow = {
  id: string;
  name: string;
  status: ExperimentStatus;
  lever: string;
  days: number | null;
  primaryMetric: string;
  exposed: number;
  lift: { text: string; reason?: string };
  variants: { name: string; weight: number }[];
};

/** The list: status, lever, days running and the primary metric's lift at a glance. */
export function ExperimentsTable({ rows }: { rows: ExperimentRow[] }) {
  return (
    <IndexTable
      resourceName={{ singular: "experiment", plural: "experiments" }}
      itemCount={rows.length}
      selectable={false}
      headings={[
        { title: "Experiment" },
        { title: "Status" },
        { title: "Lever" },
        { title: "Running" },
        { title: "Exposed", alignment: "end" },
        { title: "Primary lift", alignment: "end" },
      ]}
    >
      {rows.map((e, index) => {
        const badge = STATUS_BADGES[e.status];
        return (
          <IndexTable.Row id={e.id} key={e.id} position={index}>
            <IndexTable.Cell>
              <Link url={`/app/experiments/${e.id}`} removeUnderline dataPrimaryLink>
                <Text as="span" fontWeight="semibold">
                  {e.name}
                </Text>
              </Link>
              <Text as="p" tone="subdued" variant="bodySm">
                {e.variants.map((v) => `${v.name} ${v.weight}%`).join(" · ")}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Badge tone={badge.tone}>{badge.label}</Badge>
            </IndexTable.Cell>
            <IndexTable.Cell>{e.lever}</IndexTable.Cell>
            <IndexTable.Cell>{formatDays(e.days)}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {e.exposed.toLocaleString("en-US")}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {e.lift.reason ? (
                  <Tooltip content={e.lift.reason}>
                    <span data-lift={e.id}>{e.lift.text}</span>
                  </Tooltip>
                ) : (
                  <span data-lift={e.id}>{e.lift.text}</span>
                )}
              </Text>
              <Text as="p" tone="subdued" variant="bodySm" alignment="end">
                {e.lift.reason ?? e.primaryMetric}
              </Text>
            </IndexTable.Cell>
          </IndexTable.Row>
        );
      })}
    </IndexTable>
  );
}
