import {
  Badge,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  InlineStack,
  Link,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { ExperimentStatus } from "~/generated/prisma/enums";
import { formatDays, formatMde, STATUS_BADGES } from "./present";

export type HoldoutRow = {
  id: string;
  status: ExperimentStatus;
  sharePercent: number;
  days: number | null;
  launched: string | null;
  exposed: number;
  lift: { text: string; reason?: string };
};

export type HoldoutOption = { share: number; mde: number | null; reason?: string };

/**
 * The program holdout: its share and state when one runs; otherwise the form that starts
 * one, with the precision each suggested share buys on the shop's own traffic.
 */
export function HoldoutCard(props: {
  holdout: HoldoutRow | null;
  options: HoldoutOption[];
  horizonDays: number;
  errors: Record<string, string>;
  message: string | null;
  submitting: boolean;
  start: (sharePercent: string) => void;
}) {
  const { holdout } = props;
  const [choice, setChoice] = useState<string>(String(props.options[0]?.share ?? 5));
  const [custom, setCustom] = useState("");
  if (holdout) {
    const badge = STATUS_BADGES[holdout.status];
    return (
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Program holdout
            </Text>
            <Badge tone={badge.tone}>{badge.label}</Badge>
          </InlineStack>
          <div data-holdout-share>
            <Text as="p">
              {holdout.sharePercent}% of customers get no program: they earn nothing and see nothing of it, so
              the difference to everyone else is what the program earns you.
            </Text>
          </div>
          <Text as="p" tone="subdued">
            {formatDays(holdout.days)}
            {holdout.launched ? ` since ${holdout.launched}` : ""} · {holdout.exposed.toLocaleString("en-US")}{" "}
            customers exposed · net incremental margin {holdout.lift.text}
            {holdout.lift.reason ? ` (${holdout.lift.reason})` : ""}
          </Text>
          <Link url={`/app/experiments/${holdout.id}`}>View the holdout's report</Link>
        </BlockStack>
      </Card>
    );
  }
  const share = choice === "custom" ? custom : choice;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Measure what the program earns
        </Text>
        <Text as="p">
          Hold out a small share of customers from the program. Comparing them with everyone else measures the
          program's incremental revenue and margin, net of the rewards it gives. Held-out customers can be
          granted the points they would have earned when the holdout ends.
        </Text>
        <ChoiceList
          title="Share of customers held out"
          choices={[
            ...props.options.map((o) => ({
              label: `${o.share}%`,
              value: String(o.share),
              helpText:
                o.mde === null
                  ? o.reason
                  : `Detects a ${formatMde(o.mde)} change in net revenue per customer after ${props.horizonDays} days (80% power).`,
            })),
            { label: "Another share", value: "custom" },
          ]}
          selected={[choice]}
          onChange={([value]) => setChoice(value ?? "5")}
        />
        {choice === "custom" && (
          <TextField
            label="Share held out"
            type="number"
            suffix="%"
            autoComplete="off"
            value={custom}
            onChange={setCustom}
            error={props.errors.sharePercent}
          />
        )}
        {choice !== "custom" && props.errors.sharePercent && (
          <Text as="p" tone="critical">
            {props.errors.sharePercent}
          </Text>
        )}
        {props.message && (
          <Text as="p" tone="critical">
            {props.message}
          </Text>
        )}
        <InlineStack>
          <Button variant="primary" loading={props.submitting} onClick={() => props.start(share)}>
            Start holdout
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
