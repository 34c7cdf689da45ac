import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Modal,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { audienceQuery, type AudienceFields } from "~/intelligence/segments/audience";
import { ConditionFields, type ConditionOptions } from "./ConditionFields";

// The segment builder: conditions on RFM segment, persona, tier, tags, points, CLV, P(alive)
// and churn risk, with the number of matching members recounted (in SQL) a moment after
// each change; Save as segment names the conditions; editing a saved segment loads its
// conditions here and saves them back.

const count = new Intl.NumberFormat("en-US");
const DEBOUNCE_MS = 300;

type CountAnswer =
  | { ok: true; matching: number; total: number }
  | { ok: false; message: string; fieldErrors: Record<string, string> };

type SaveAnswer = { ok: boolean; message: string; fieldErrors?: Record<string, string> };

export const NO_CONDITIONS: AudienceFields = {
  segments: [],
  tiers: [],
  minPoints: "",
  maxPoints: "",
  tags: "",
  minClv: "",
  maxClv: "",
  minAlivePercent: "",
  maxAlivePercent: "",
  minRiskPercent: "",
  atRiskOnly: false,
  personas: [],
};

export type EditedSegment = { id: string; name: string; description: string; fields: AudienceFields };

type Props = ConditionOptions & { editing: EditedSegment | null; onDone: () => void };

export function AudienceBuilder({ editing, onDone, ...options }: Props) {
  const counter = useFetcher<CountAnswer>();
  const saver = useFetcher<SaveAnswer>();
  const [fields, setFields] = useState<AudienceFields>(editing?.fields ?? NO_CONDITIONS);
  const [modalOpen, setModalOpen] = useState(false);
  const [name, setName] = useState(editing?.name ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const query = audienceQuery(fields);

  const { load } = counter;
  useEffect(() => {
    const timer = setTimeout(() => load(`/app/insights/audience?${query}`), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, load]);

  useEffect(() => {
    if (editing) document.getElementById("segment-builder")?.scrollIntoView({ behavior: "smooth" });
  }, [editing]);

  const saved = saver.state === "idle" && saver.data?.ok;
  useEffect(() => {
    if (saved) {
      setModalOpen(false);
      onDone();
    }
  }, [saved, onDone]);

  const save = () =>
    saver.submit(
      editing
        ? { intent: "update", name, description, conditions: query }
        : { intent: "create-segment", name, description, conditions: query },
      {
        method: "post",
        action: editing ? `/app/insights/saved-segments/${editing.id}` : "/app/insights/segments",
      },
    );

  const answer = counter.data;
  const failure = saver.data && !saver.data.ok ? saver.data : null;
  const errors = { ...(answer && !answer.ok ? answer.fieldErrors : {}), ...(failure?.fieldErrors ?? {}) };
  return (
    <div id="segment-builder">
      <Card>
        <BlockStack gap="400">
          <InlineStack align="space-between" blockAlign="center">
            <Text variant="headingMd" as="h2">
              {editing ? `Editing “${editing.name}”` : "Segment builder"}
            </Text>
            <InlineStack gap="300" blockAlign="center">
              {counter.state !== "idle" ? <Spinner size="small" /> : null}
              <Text as="span" variant="headingSm" numeric>
                <span data-audience-count>
                  {answer?.ok
                    ? `${count.format(answer.matching)} of ${count.format(answer.total)} members match`
                    : answer
                      ? answer.message
                      : ""}
                </span>
              </Text>
              {editing ? <Button onClick={onDone}>Cancel</Button> : null}
              <Button variant="primary" onClick={() => setModalOpen(true)}>
                {editing ? "Save changes" : "Save as segment"}
              </Button>
            </InlineStack>
          </InlineStack>
          {failure && !modalOpen && !Object.keys(failure.fieldErrors ?? {}).length ? (
            <Banner tone="critical">{failure.message}</Banner>
          ) : null}
          <ConditionFields fields={fields} onChange={setFields} errors={errors} {...options} />
        </BlockStack>
        <Modal
          open={modalOpen}
          onClose={() => setModalOpen(false)}
          title={editing ? "Save changes to the segment" : "Save as segment"}
          primaryAction={{ content: "Save", onAction: save, loading: saver.state !== "idle" }}
          secondaryActions={[{ content: "Cancel", onAction: () => setModalOpen(false) }]}
        >
          <Modal.Section>
            <BlockStack gap="300">
              {failure ? <Banner tone="critical">{failure.message}</Banner> : null}
              <TextField
                label="Name"
                value={name}
                onChange={setName}
                autoComplete="off"
                error={errors.name}
                maxLength={80}
              />
              <TextField
                label="Description"
                value={description}
                onChange={setDescription}
                autoComplete="off"
                multiline={2}
                error={errors.description}
                maxLength={300}
              />
              <Text as="p" tone="subdued">
                {answer?.ok ? `${count.format(answer.matching)} members match today. ` : ""}
                The segment keeps its conditions, not a list: its members change as scores are recomputed.
              </Text>
            </BlockStack>
          </Modal.Section>
        </Modal>
      </Card>
    </div>
  );
}
