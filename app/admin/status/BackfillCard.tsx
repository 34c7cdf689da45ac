import { useFetcher, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { KpiTile } from "~/admin/components/KpiTile";
import type { BackfillCardView } from "./backfill-card.server";

// The history import on the status page: where it is, what it has loaded and credited,
// and, until the history is imported, the form that starts one (with the merchant's
// choice on past orders). A finished import says when, with its figures, and offers
// nothing to click. While a run is active the page revalidates every few seconds.

const count = new Intl.NumberFormat("en-US");
const POLL_MS = 3000;

type StartResult = { ok: true; created: boolean } | { ok: false; error: string };

export function BackfillCard({ backfill }: { backfill: BackfillCardView }) {
  const revalidator = useRevalidator();
  const fetcher = useFetcher<StartResult>();
  const [historyEarnsPoints, setHistoryEarnsPoints] = useState(backfill?.historyEarnsPoints ?? false);
  const [prefixes, setPrefixes] = useState("");
  const active = backfill?.active ?? false;
  const starting = fetcher.state !== "idle";

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data.error : null;
  const finished = backfill?.status === "completed";

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text variant="headingMd" as="h2">
            Import history
          </Text>
          {backfill ? <Badge tone={backfill.tone}>{backfill.statusLabel}</Badge> : null}
        </InlineStack>
        {backfill ? (
          <BlockStack gap="300">
            {finished ? (
              <Text as="p">
                {`The shop's history is imported${backfill.finishedText ? `: finished ${backfill.finishedText}` : ""}. New orders and customers arrive by webhook.`}
              </Text>
            ) : (
              <InlineStack align="space-between">
                <Text as="p">{backfill.step}</Text>
                <Text as="span" tone="subdued" numeric>
                  {backfill.progress}%
                </Text>
              </InlineStack>
            )}
            {finished ? null : (
              <ProgressBar
                progress={backfill.progress}
                tone={
                  backfill.status === "failed"
                    ? "critical"
                    : backfill.status === "completed"
                      ? "success"
                      : "highlight"
                }
                size="small"
              />
            )}
            <InlineGrid columns={{ xs: 2, sm: 4 }} gap="300">
              {backfill.counts.map((c) => (
                <KpiTile
                  key={c.label}
                  size="small"
                  label={c.label}
                  value={count.format(c.value)}
                  marker={{ "data-backfill-count": c.label }}
                />
              ))}
            </InlineGrid>
            <Banner
              tone="info"
              title={backfill.historyEarnsPoints ? "Past orders earn points" : "History starts today"}
            >
              <p>{backfill.historyNote}</p>
            </Banner>
            {backfill.error ? (
              <Banner tone={backfill.status === "failed" ? "critical" : "warning"}>
                <p>{backfill.error}</p>
              </Banner>
            ) : null}
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            No import yet. Importing loads the shop&apos;s customers, orders and products and enrolls
            customers as members.
          </Text>
        )}
        {failure ? (
          <Banner tone="critical">
            <p>{failure}</p>
          </Banner>
        ) : null}
        {finished ? null : (
          <Box>
            <fetcher.Form method="post">
              <input type="hidden" name="intent" value="start-backfill" />
              <input type="hidden" name="historyEarnsPoints" value={historyEarnsPoints ? "true" : "false"} />
              <input type="hidden" name="redemptionCodePrefixes" value={historyEarnsPoints ? prefixes : ""} />
              <BlockStack gap="200">
                <Checkbox
                  label="Past orders earn points"
                  helpText="Credits each past order as if the program had been running, with tiers and bonuses. Otherwise members start at zero."
                  checked={historyEarnsPoints}
                  onChange={setHistoryEarnsPoints}
                  disabled={active}
                />
                {historyEarnsPoints ? (
                  <TextField
                    label="Reward code prefixes of your previous loyalty app"
                    helpText="Orders that used a code starting with one of these (or one of this app's own codes) are imported as past redemptions of the reward of the same value. Separate prefixes with commas."
                    value={prefixes}
                    onChange={setPrefixes}
                    placeholder="e.g. REWARD-, SMILE-"
                    autoComplete="off"
                    disabled={active}
                  />
                ) : null}
                <InlineStack>
                  <Button submit variant="primary" loading={starting} disabled={active}>
                    {backfill?.status === "failed" ? "Import again" : "Start import"}
                  </Button>
                </InlineStack>
              </BlockStack>
            </fetcher.Form>
          </Box>
        )}
      </BlockStack>
    </Card>
  );
}
