import { useFetcher } from "@remix-run/react";
import {
  BlockStack,
  Card,
  ChoiceList,
  InlineGrid,
  InlineStack,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { audienceQuery } from "~/intelligence/segments/audience";
import { SEGMENT_LABELS, SEGMENTS } from "~/intelligence/segments/segments";

// The segment builder: conditions on RFM segment, tier, points balance and customer tags,
// with the number of matching members recounted (in SQL) a moment after each change.

const count = new Intl.NumberFormat("en-US");
const DEBOUNCE_MS = 300;

type CountAnswer =
  | { ok: true; matching: number; total: number }
  | { ok: false; message: string; fieldErrors: Record<string, string> };

export function AudienceBuilder({ tiers }: { tiers: { id: string; name: string }[] }) {
  const fetcher = useFetcher<CountAnswer>();
  const [segments, setSegments] = useState<string[]>([]);
  const [tierIds, setTierIds] = useState<string[]>([]);
  const [minPoints, setMinPoints] = useState("");
  const [maxPoints, setMaxPoints] = useState("");
  const [tags, setTags] = useState("");
  const query = audienceQuery({ segments, tiers: tierIds, minPoints, maxPoints, tags });

  const { load } = fetcher;
  useEffect(() => {
    const timer = setTimeout(() => load(`/app/insights/audience?${query}`), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, load]);

  const answer = fetcher.data;
  const errors = answer && !answer.ok ? answer.fieldErrors : {};
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text variant="headingMd" as="h2">
            Segment builder
          </Text>
          <InlineStack gap="200" blockAlign="center">
            {fetcher.state !== "idle" ? <Spinner size="small" /> : null}
            <Text as="span" variant="headingSm" numeric>
              <span data-audience-count>
                {answer?.ok
                  ? `${count.format(answer.matching)} of ${count.format(answer.total)} members match`
                  : answer
                    ? answer.message
                    : ""}
              </span>
            </Text>
          </InlineStack>
        </InlineStack>
        <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
          <ChoiceList
            allowMultiple
            title="RFM segment (any of)"
            choices={SEGMENTS.map((s) => ({ label: SEGMENT_LABELS[s], value: s }))}
            selected={segments}
            onChange={setSegments}
          />
          <BlockStack gap="300">
            {tiers.length ? (
              <ChoiceList
                allowMultiple
                title="Tier (any of)"
                choices={tiers.map((t) => ({ label: t.name, value: t.id }))}
                selected={tierIds}
                onChange={setTierIds}
              />
            ) : (
              <Text as="p" tone="subdued">
                Your program has no tiers.
              </Text>
            )}
            <TextField
              label="Customer tags (any of, comma-separated)"
              value={tags}
              onChange={setTags}
              autoComplete="off"
              error={errors.tags}
            />
          </BlockStack>
          <BlockStack gap="300">
            <TextField
              label="Points balance at least"
              type="number"
              min={0}
              value={minPoints}
              onChange={setMinPoints}
              autoComplete="off"
              error={errors.minPoints}
            />
            <TextField
              label="Points balance at most"
              type="number"
              min={0}
              value={maxPoints}
              onChange={setMaxPoints}
              autoComplete="off"
              error={errors.maxPoints}
            />
          </BlockStack>
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}
