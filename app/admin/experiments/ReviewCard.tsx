import { BlockStack, Button, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { MetricKey } from "~/experiments/metric-keys";
import type { Program } from "~/loyalty/program";
import { describeOverride } from "./describe";
import { describeBandit, overrideOf, type ExperimentDraft } from "./form";

// The create flow's last step: the experiment in words (each variant's change against the
// live program), and the buttons that save it as a draft or create and launch it.

export function ReviewCard(props: {
  draft: ExperimentDraft;
  program: Program;
  /** The chosen saved segment's name, for an audience of a segment. */
  segmentName: string | null;
  metrics: { key: MetricKey; label: string }[];
  submitting: boolean;
  submit: (intent: "draft" | "launch", draft: ExperimentDraft) => void;
}) {
  const { draft, program } = props;
  const metricLabel = props.metrics.find((m) => m.key === draft.primaryMetric)?.label ?? "the primary metric";
  const bandit = describeBandit(draft, metricLabel);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {draft.name || "Unnamed experiment"}
        </Text>
        {draft.hypothesis && <Text as="p">{draft.hypothesis}</Text>}
        <DataTable
          columnContentTypes={["text", "numeric", "text"]}
          headings={["Variant", bandit ? "Start" : "Weight", "Change"]}
          rows={draft.variants.map((v) => [
            `${v.name}${v.control ? " (control)" : ""}`,
            bandit ? `${Math.floor(1000 / draft.variants.length) / 10}%` : `${v.weight}%`,
            v.control
              ? "The live program"
              : describeOverride(overrideOf(draft.lever, program, v.fields), program),
          ])}
        />
        <Text as="p">
          Audience: {audienceText(draft, program, props.segmentName)} · traffic {draft.trafficPercent}% ·
          primary metric {props.metrics.find((m) => m.key === draft.primaryMetric)?.label}
        </Text>
        <div data-testid="review-allocation">
          <Text as="p">
            <Text as="span" fontWeight="semibold">
              {bandit ? "Bandit: " : "Fixed split: "}
            </Text>
            {bandit ?? "each variant keeps its weight for the whole experiment."}
          </Text>
        </div>
        {draft.guardrails.length > 0 && (
          <Text as="p">
            Guardrails:{" "}
            {draft.guardrails
              .map(
                (g) =>
                  `${props.metrics.find((m) => m.key === g.metric)?.label} at most −${g.thresholdPercent}%`,
              )
              .join("; ")}
          </Text>
        )}
        <InlineStack gap="200">
          <Button loading={props.submitting} onClick={() => props.submit("draft", draft)}>
            Save as draft
          </Button>
          <Button variant="primary" loading={props.submitting} onClick={() => props.submit("launch", draft)}>
            Create and launch
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function audienceText(draft: ExperimentDraft, program: Program, segmentName: string | null): string {
  switch (draft.audienceKind) {
    case "all":
      return "all members";
    case "newMembers":
      return "new members";
    case "tier":
      return `${program.tiers.levels.find((l) => l.id === draft.audienceTierId)?.name ?? "a tier"} members`;
    case "tags":
      return `customers tagged ${draft.audienceTags}`;
    case "segment":
      return `members of the segment “${segmentName ?? "?"}” when it launches`;
  }
}
