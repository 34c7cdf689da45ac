import { Badge, BlockStack, Card, IndexTable, Link, Text } from "@shopify/polaris";
import { staffLabel } from "~/admin/components/staff";
import { shopifyAdminUrl } from "./admin-links";
import type { MemberDetail } from "./member.server";
import { formatDay, formatPoints, ledgerKindLabel } from "./present";

export function LedgerCard(props: {
  ledger: MemberDetail["ledger"];
  timeZone: string | null;
  onPage: (page: number) => void;
}) {
  const { ledger, timeZone, onPage } = props;
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <div style={{ padding: "var(--p-space-400)" }}>
          <Text as="h2" variant="headingMd">
            Points history
          </Text>
        </div>
        <IndexTable
          resourceName={{ singular: "entry", plural: "entries" }}
          itemCount={ledger.entries.length}
          selectable={false}
          emptyState={
            <Text as="p" tone="subdued" alignment="center">
              No points have moved for this member yet.
            </Text>
          }
          headings={[
            { title: "Date" },
            { title: "What happened" },
            { title: "Points", alignment: "end" },
            { title: "Program" },
          ]}
          pagination={{
            hasPrevious: ledger.page > 1,
            hasNext: ledger.page < ledger.pageCount,
            onPrevious: () => onPage(ledger.page - 1),
            onNext: () => onPage(ledger.page + 1),
            label: `Page ${ledger.page} of ${ledger.pageCount}`,
          }}
        >
          {ledger.entries.map((e, index) => (
            <IndexTable.Row id={e.id} key={e.id} position={index}>
              <IndexTable.Cell>{formatDay(e.occurredAt, timeZone)}</IndexTable.Cell>
              <IndexTable.Cell>
                <BlockStack gap="050">
                  <Text as="span">
                    {ledgerKindLabel(e.kind)}
                    {e.orderName && e.orderId ? (
                      <>
                        {" · "}
                        <Link url={shopifyAdminUrl("orders", e.orderId)} target="_top">
                          {e.orderName}
                        </Link>
                      </>
                    ) : (
                      ""
                    )}
                  </Text>
                  {e.note && (
                    <Text as="span" tone="subdued">
                      {e.note}
                    </Text>
                  )}
                  {e.reason && (
                    <Text as="span" tone="subdued">
                      “{e.reason}”{e.staffId ? ` by ${e.staffName ?? staffLabel(e.staffId, {})}` : ""}
                    </Text>
                  )}
                  {e.bucket === "pending" && e.kind !== "release" && (
                    <Text as="span" tone="subdued">
                      Pending{e.availableAt ? ` until ${formatDay(e.availableAt, timeZone)}` : ""}
                    </Text>
                  )}
                  {e.writtenOff ? (
                    <Text as="span" tone="subdued">
                      {formatPoints(e.writtenOff)} written off
                    </Text>
                  ) : null}
                </BlockStack>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric tone={e.points < 0 ? "critical" : undefined}>
                  {e.kind === "release" ? formatPoints(e.points) : formatPoints(e.points, { signed: true })}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Badge>{`v${e.programVersion}`}</Badge>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}
