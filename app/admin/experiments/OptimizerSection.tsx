import { Banner, BlockStack, Button, Card, DataTable, Text } from "@shopify/polaris";
import type { OptimizerView } from "./optimizer-present";
import { formatMetricValue, type MetricUnit } from "./report-present";
import { ResponseCurve } from "./ResponseCurve";

// A threshold optimizer's report: the response curve of the objective over the candidates,
// the table behind it, and the recommendation with its evidence and the button that applies
// it (the experiment's ship: a new program version, revertable).

export function OptimizerSection({
  view,
  canApply,
  onApply,
}: {
  view: OptimizerView;
  canApply: boolean;
  onApply: (variantKey: string) => void;
}) {
  const format = (x: number) => formatMetricValue(x, view.unit as MetricUnit, view.currency);
  const r = view.recommendation;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Threshold search: {view.title}
        </Text>
        <Text as="p" tone="subdued">
          {view.range}, live {view.liveLabel}. {view.rule} Objective: {view.objective.toLowerCase()}.
        </Text>
        {view.points.length ? (
          <ResponseCurve points={view.points} objective={view.objective} format={format} />
        ) : (
          <Text as="p">The curve appears after the first update past the burn-in.</Text>
        )}
        {view.points.length > 0 && (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["Candidate", view.objective, "95% interval"]}
            rows={view.points.map((p) => [
              `${p.label}${p.label === view.liveLabel ? " (live)" : ""}`,
              format(p.mean),
              `${format(p.lower)} to ${format(p.upper)}`,
            ])}
          />
        )}
        {r && (
          <div data-testid="optimizer-recommendation">
            <Banner tone={r.live ? "info" : "success"} title={`Recommended: ${r.label}`}>
              <BlockStack gap="200">
                <p>{r.sentence}</p>
                <p>
                  Evidence: {r.mean} per member (95% interval {r.interval}); probability of being best{" "}
                  {r.probabilityBest}; expected loss {r.expectedLoss} per member.
                </p>
                {canApply && !r.live && (
                  <div>
                    <Button variant="primary" onClick={() => onApply(r.variantKey)}>
                      {`Apply ${r.label}`}
                    </Button>
                  </div>
                )}
              </BlockStack>
            </Banner>
          </div>
        )}
      </BlockStack>
    </Card>
  );
}
