import { Banner, BlockStack, Modal, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { parseBulkForm } from "./bulk-form";
import type { BulkSelection } from "./MembersTable";
import { formatMemberCount } from "./present";
import type { BulkAnswer } from "./list-page.server";

/**
 * Points and a reason for the selected members (or every member the filter matches).
 * The form carries the page's bulk id, so a double submit applies once.
 */
export function BulkAdjustModal(props: {
  selection: BulkSelection;
  bulkId: string;
  filterSearch: string;
  answer: BulkAnswer | undefined;
  submitting: boolean;
  submit: (form: Record<string, string>) => void;
  onClose: () => void;
}) {
  const { selection, answer } = props;
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const count = selection.kind === "ids" ? selection.ids.length : selection.count;
  const form = {
    points,
    reason,
    bulkId: props.bulkId,
    selection: selection.kind,
    customerIds: selection.kind === "ids" ? selection.ids.join(",") : "",
    filter: props.filterSearch.replace(/^\?/, ""),
  };
  const parsed = parseBulkForm(form);
  const [touched, setTouched] = useState(false);
  const local = touched && !parsed.ok ? parsed.fieldErrors : {};
  const server = answer && !answer.ok ? answer.fieldErrors : {};
  const who = formatMemberCount(count, selection.kind === "filter" && selection.estimated);
  return (
    <Modal
      open
      onClose={props.onClose}
      title={`Adjust points for ${who}`}
      primaryAction={{
        content: "Apply adjustment",
        loading: props.submitting,
        disabled: answer?.ok === true,
        onAction: () => {
          setTouched(true);
          if (parsed.ok) props.submit(form);
        },
      }}
      secondaryActions={[{ content: answer?.ok ? "Close" : "Cancel", onAction: props.onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {selection.kind === "filter" && (
            <Text as="p">Every member matching the current search and filters gets the same adjustment.</Text>
          )}
          {server._form && <Banner tone="critical">{server._form}</Banner>}
          {answer?.ok && (
            <Banner tone={answer.created ? "success" : "info"}>
              {!answer.created
                ? "This adjustment was already submitted; it applies once."
                : answer.bulk.status === "done"
                  ? `Applied to ${answer.bulk.applied.toLocaleString("en-US")} members${answer.bulk.skipped ? `; ${answer.bulk.skipped} skipped` : ""}.`
                  : "Started. Progress shows under the list; you can close this window."}
            </Banner>
          )}
          <TextField
            label="Points"
            helpText="Positive adds points, negative removes them."
            type="number"
            value={points}
            onChange={setPoints}
            error={local.points ?? server.points}
            autoComplete="off"
          />
          <TextField
            label="Reason"
            helpText="Recorded on each member's history with your name."
            value={reason}
            onChange={setReason}
            error={local.reason ?? server.reason}
            multiline={2}
            maxLength={500}
            autoComplete="off"
          />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
