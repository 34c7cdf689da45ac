import { Banner, BlockStack, Button, Card, Checkbox, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { parseAdjustmentForm } from "./adjustment-form";

export type AdjustmentAnswer =
  | { ok: true; applied: boolean; availablePoints: number }
  | { ok: false; fieldErrors: Record<string, string> };

/**
 * Add or remove points with a reason. The form carries a fresh adjustment id from the
 * server, so a double click or a retried request changes the balance once.
 */
export function AdjustmentCard(props: {
  adjustmentId: string;
  availablePoints: number;
  answer: AdjustmentAnswer | undefined;
  submitting: boolean;
  submit: (form: Record<string, string>) => void;
}) {
  const { adjustmentId, availablePoints, answer, submitting } = props;
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [allowNegative, setAllowNegative] = useState(false);
  const form = { points, reason, adjustmentId, allowNegative: String(allowNegative) };
  const parsed = parseAdjustmentForm(form);
  const wouldGoNegative = parsed.ok && parsed.value.points < 0 && -parsed.value.points > availablePoints;
  const serverErrors = answer && !answer.ok ? answer.fieldErrors : {};

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Adjust points
        </Text>
        {answer?.ok && (
          <Banner tone={answer.applied ? "success" : "info"}>
            {answer.applied
              ? `Balance updated: ${answer.availablePoints.toLocaleString("en-US")} points available.`
              : "This adjustment was already applied."}
          </Banner>
        )}
        {serverErrors._form && <Banner tone="critical">{serverErrors._form}</Banner>}
        <TextField
          label="Points"
          autoComplete="off"
          inputMode="numeric"
          value={points}
          onChange={setPoints}
          placeholder="100 or -100"
          helpText="Positive adds points, negative removes them."
          error={serverErrors.points ?? serverErrors.adjustmentId}
        />
        <TextField
          label="Reason"
          autoComplete="off"
          value={reason}
          onChange={setReason}
          multiline={2}
          maxLength={500}
          helpText="Required. Recorded in the member's history with your name."
          error={serverErrors.reason}
        />
        {wouldGoNegative && (
          <Checkbox
            label={`Take the balance below zero (the member has ${availablePoints.toLocaleString("en-US")} points available)`}
            checked={allowNegative}
            onChange={setAllowNegative}
          />
        )}
        <Button
          variant="primary"
          onClick={() => props.submit(form)}
          loading={submitting}
          disabled={!parsed.ok || (wouldGoNegative && !allowNegative)}
        >
          Apply adjustment
        </Button>
      </BlockStack>
    </Card>
  );
}
