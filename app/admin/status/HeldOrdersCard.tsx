import { BlockStack, Card, DataTable, Link, Text } from "@shopify/polaris";
import type { StatusPage } from "./status.server";

const count = new Intl.NumberFormat("en-US");

/** Orders over the program's sanity bound (ADR 0011), waiting for staff on the member's page. */
export function HeldOrdersCard({ held }: { held: StatusPage["held"] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Orders held for review
        </Text>
        {held.members === 0 ? (
          <Text as="p" tone="subdued">
            No order is waiting for review.
          </Text>
        ) : (
          <>
            <Text as="p">
              {`${count.format(held.members)} ${held.members === 1 ? "member has" : "members have"} points waiting: an order earned more than the program's review limit. Release or reject them on the member's page.`}
            </Text>
            <DataTable
              columnContentTypes={["text", "text", "numeric", "text"]}
              headings={["Order", "Member", "Points held", "Placed"]}
              rows={held.orders.map((o) => [
                o.orderId,
                <Link key={o.orderId} url={`/app/members/${o.customerId}`}>
                  {o.customerId}
                </Link>,
                count.format(o.points),
                o.placedAt,
              ])}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}
