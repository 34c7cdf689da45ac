import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { formatDay, formatPoints } from "~/admin/members/present";

/** An order held for review, as the member's review route lists it. */
export interface HeldOrderRow {
  orderId: string;
  points: number;
  placedAt: string;
}

type Decision = { ok: true; applied: boolean } | { ok: false; fieldErrors: Record<string, string> };

/**
 * Orders over the program's sanity bound (ADR 0011): their points wait, pending, until
 * staff release or reject them. Shown only while the member has one.
 */
export function HeldOrdersCard(props: { customerId: string; timeZone: string | null }) {
  const url = `/app/members/${props.customerId}/review`;
  const list = useFetcher<{ held: HeldOrderRow[] }>();
  const decide = useFetcher<Decision>();
  const { load } = list;
  // Listed on open, and again after each decision.
  useEffect(() => {
    if (decide.state === "idle") load(url);
  }, [decide.state, load, url]);
  const held = list.data?.held ?? [];
  if (held.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Orders held for review
        </Text>
        <Text as="p" tone="subdued">
          These orders earned more than the program allows without review. Their points stay pending until you
          release or reject them.
        </Text>
        {decide.data?.ok === false && (
          <Banner tone="critical">{Object.values(decide.data.fieldErrors).join(" ")}</Banner>
        )}
        {held.map((order) => (
          <InlineStack key={order.orderId} align="space-between" blockAlign="center">
            <Text as="span">
              Order {order.orderId} · {formatPoints(order.points)} ·{" "}
              {formatDay(order.placedAt, props.timeZone)}
            </Text>
            <InlineStack gap="200">
              <Button
                disabled={decide.state !== "idle"}
                onClick={() =>
                  decide.submit(
                    { orderId: order.orderId, decision: "release" },
                    { method: "post", action: url },
                  )
                }
              >
                Release
              </Button>
              <Button
                tone="critical"
                disabled={decide.state !== "idle"}
                onClick={() =>
                  decide.submit(
                    { orderId: order.orderId, decision: "reject" },
                    { method: "post", action: url },
                  )
                }
              >
                Reject
              </Button>
            </InlineStack>
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}
