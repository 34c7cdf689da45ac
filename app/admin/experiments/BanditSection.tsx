import {
  Badge,
  Banner,
  BlockStack,
  Card,
  DataTable,
  InlineStack,
  SkeletonBodyText,
  Text,
} from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";
import type { BanditView } from "./bandit-present";

// The bandit part of the report: its state (burn-in, waiting, moving traffic) and next
// update, the allocation over time, and each arm's posterior on the primary metric with its
// probability of being best and expected loss. The fixed-split analysis follows it on the
// page, with a note on why its pooled figures are biased while the allocation moves.

const AllocationChart = lazy(() => import("./AllocationChart.client"));

function ClientAllocationChart(props: { view: BanditView }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = (
    <div style={{ height: 300 }}>
      <SkeletonBodyText lines={7} />
    </div>
  );
  if (!mounted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <AllocationChart history={props.view.history} arms={props.view.arms} />
    </Suspense>
  );
}

/** Each arm's 95% interval as a bar on one common scale, the mean as a tick. */
function IntervalBars({ view }: { view: BanditView }) {
  const rows = view.arms.filter((a) => a.raw);
  if (!rows.length) return null;
  const lo = Math.min(...rows.map((a) => a.raw!.lower));
  const hi = Math.max(...rows.map((a) => a.raw!.upper));
  const span = hi - lo || 1;
  const at = (x: number) => `${(((x - lo) / span) * 100).toFixed(2)}%`;
  return (
    <div data-testid="posterior-bars" style={{ display: "grid", gap: 6 }}>
      {rows.map((a) => (
        <div key={a.key} style={{ display: "grid", gridTemplateColumns: "160px 1fr", alignItems: "center" }}>
          <Text as="span" variant="bodySm">
            {a.variant}
          </Text>
          <div style={{ position: "relative", height: 14, background: "#f1f2f4", borderRadius: 3 }}>
            <div
              style={{
                position: "absolute",
                left: at(a.raw!.lower),
                width: `calc(${at(a.raw!.upper)} - ${at(a.raw!.lower)})`,
                top: 3,
                height: 8,
                background: "#8fb3e3",
                borderRadius: 2,
              }}
            />
            <div
              style={{
                position: "absolute",
                left: at(a.raw!.mean),
                top: 0,
                width: 2,
                height: 14,
                background: "#1f5199",
              }}
            />
          </div>
        </div>
      ))}
    </div>
  );
}

export function BanditSection({ view }: { view: BanditView }) {
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="300">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Bandit allocation
            </Text>
            <Badge tone={view.phase.tone}>{view.phase.label}</Badge>
          </InlineStack>
          <Text as="p">{view.phase.text}</Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {view.lastUpdate ? `Last update applied ${view.lastUpdate}. ` : "No update yet. "}
            {view.nextUpdate ? `Next update due ${view.nextUpdate}.` : ""}
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {view.settings.join(" · ")}. Members keep the arm they were first given; a new allocation applies
            to members not yet assigned.
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Allocation over time
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            Each arm's share of newly assigned members, from launch (equal shares) to the allocation in force
            now.
          </Text>
          <ClientAllocationChart view={view} />
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {`Which arm is best: ${view.metric.name}`}
          </Text>
          <Text as="p" variant="bodySm" tone="subdued">
            {view.posteriorAt
              ? `Each arm's estimate with its 95% interval, weighted by period so that a shifting allocation does not bias it, as of the update applied ${view.posteriorAt}.`
              : "No posterior yet: the first update after the burn-in computes one."}
          </Text>
          <div data-testid="bandit-arms">
            <DataTable
              columnContentTypes={["text", "numeric", "text", "numeric", "numeric"]}
              headings={[
                "Arm",
                "Share now",
                "Estimate (95% interval)",
                "Chance of being best",
                "Expected loss",
              ]}
              rows={view.arms.map((a) => [
                a.variant,
                a.weight,
                a.raw ? (
                  <BlockStack gap="0">
                    <Text as="span">{a.mean}</Text>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {a.interval}
                    </Text>
                  </BlockStack>
                ) : (
                  "—"
                ),
                a.probabilityBest,
                a.expectedLoss,
              ])}
            />
          </div>
          <IntervalBars view={view} />
          <Text as="p" variant="bodySm" tone="subdued">
            Expected loss: what choosing that arm would give up per member, on average, if another arm is in
            fact best.
          </Text>
          {view.notes.map((n) => (
            <Text as="p" variant="bodySm" tone="subdued" key={n}>
              {n}
            </Text>
          ))}
        </BlockStack>
      </Card>
      <Banner tone="warning" title="The fixed-split analysis below pools every period">
        <p>
          Its means, lifts and intervals treat all members alike, but this bandit gave the arms different
          shares at different times, so those pooled figures are biased while the allocation moves. Judge the
          arms on the period-weighted estimates above.
        </p>
      </Banner>
    </BlockStack>
  );
}
