import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";
import { formatDay } from "./present";

// The member's best hour and channel for campaigns (app/campaigns/send-time) with the reason
// the admin can check ("from 7 orders", "shop default").

export type SendTimeView = {
  hour: number;
  hourReason: string;
  channel: string | null;
  channelReason: string;
  computedAt: string;
} | null;

const CHANNEL_LABELS: Record<string, string> = { email: "Email", sms: "SMS", inbox: "Widget inbox" };
const hourText = (h: number) =>
  `${String(h).padStart(2, "0")}:00–${String((h + 1) % 24).padStart(2, "0")}:00`;

export function SendTimeCard({ sendTime, timeZone }: { sendTime: SendTimeView; timeZone: string | null }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Messages
        </Text>
        {sendTime ? (
          <>
            <BlockStack gap="050">
              <InlineStack gap="200" align="space-between">
                <Text as="span">Best hour</Text>
                <span data-send-hour>
                  <Text as="span" fontWeight="semibold">
                    {hourText(sendTime.hour)}
                  </Text>
                </span>
              </InlineStack>
              <Text as="p" tone="subdued">
                {sendTime.hourReason} · {timeZone ?? "UTC"}
              </Text>
            </BlockStack>
            <BlockStack gap="050">
              <InlineStack gap="200" align="space-between">
                <Text as="span">Best channel</Text>
                <span data-send-channel>
                  <Text as="span" fontWeight="semibold">
                    {sendTime.channel ? (CHANNEL_LABELS[sendTime.channel] ?? sendTime.channel) : "None"}
                  </Text>
                </span>
              </InlineStack>
              <Text as="p" tone="subdued">
                {sendTime.channelReason}
              </Text>
            </BlockStack>
            <Text as="p" tone="subdued" variant="bodySm">
              {`Updated ${formatDay(sendTime.computedAt, timeZone)}; refreshed nightly.`}
            </Text>
          </>
        ) : (
          <Text as="p" tone="subdued">
            Not worked out for this member yet: best hours and channels are computed nightly (04:30 UTC) for
            shops with a campaign on, and at a member&apos;s first message. Only active members get messages.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
