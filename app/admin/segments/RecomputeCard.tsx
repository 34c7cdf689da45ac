import { useFetcher, useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";

// When the segments were computed, and the button that recomputes them. While a run is in
// progress the page revalidates every few seconds, so its progress moves without a reload.

const POLL_MS = 2000;

type Pending = {
  id: string;
  status: "running" | "completed" | "failed";
  progress: number;
  error: string | null;
} | null;
type Answer = { ok: true; runId: string } | { ok: false; message: string };

export function RecomputeCard({ computedAt, pending }: { computedAt: string | null; pending: Pending }) {
  const fetcher = useFetcher<Answer>();
  const revalidator = useRevalidator();
  const running = pending?.status === "running";
  const submitting = fetcher.state !== "idle";

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="p">
            <span data-computed-at>
              {computedAt ? `Computed ${computedAt}. Recomputed every night.` : "Not computed yet."}
            </span>
          </Text>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="recompute" />
            <Button submit loading={submitting} disabled={running}>
              Recompute
            </Button>
          </fetcher.Form>
        </InlineStack>
        {running ? (
          <BlockStack gap="100">
            <Text as="span" tone="subdued">{`Computing segments… ${pending.progress}%`}</Text>
            <ProgressBar progress={pending.progress} size="small" tone="highlight" />
          </BlockStack>
        ) : null}
        {pending?.status === "failed" ? (
          <Banner tone="critical" title="The last computation failed">
            <p>{`${pending.error ?? "Unknown error"}. The segments shown are from the computation before.`}</p>
          </Banner>
        ) : null}
        {failure ? <Banner tone="critical">{failure}</Banner> : null}
      </BlockStack>
    </Card>
  );
}
