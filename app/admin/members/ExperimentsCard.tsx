import { Badge, BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";
import type { MemberExperimentsView } from "./experiments.server";
import { formatDay, formatPoints } from "./present";

/** The member's holdout status, and each running experiment they are in with their variant. */
export function ExperimentsCard({
  experiments,
  timeZone,
}: {
  experiments: MemberExperimentsView;
  timeZone: string | null;
}) {
  const tests = experiments.arms.filter((a) => a.kind === "test");
  const holdout = experiments.arms.find((a) => a.kind === "holdout");
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Experiments
        </Text>
        {holdout ? (
          <BlockStack gap="100">
            <InlineStack gap="200" blockAlign="center">
              <Text as="span">Program holdout</Text>
              <div data-holdout-status>
                <Badge tone={experiments.heldOut ? "attention" : "success"}>
                  {experiments.heldOut ? "Held out: no program" : "In the program"}
                </Badge>
              </div>
            </InlineStack>
            {experiments.heldOut && (
              <Text as="p" tone="subdued">
                Earns nothing and sees nothing of the program while the holdout runs. The shadow ledger holds{" "}
                {formatPoints(experiments.shadowPoints)} they would have earned, grantable when it ends.
              </Text>
            )}
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            No program holdout is running.
          </Text>
        )}
        {tests.length ? (
          tests.map((a) => (
            <BlockStack gap="050" key={a.experimentId}>
              <Link url={`/app/experiments/${a.experimentId}`}>{a.experimentName}</Link>
              <Text as="p" tone="subdued">
                {a.variantName}
                {a.control ? " (control)" : ""} ·{" "}
                {a.exposedAt ? `exposed ${formatDay(a.exposedAt, timeZone)}` : "not exposed yet"}
              </Text>
            </BlockStack>
          ))
        ) : (
          <Text as="p" tone="subdued">
            {experiments.heldOut
              ? "Held-out customers take part in no experiment."
              : "In no running experiment."}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
