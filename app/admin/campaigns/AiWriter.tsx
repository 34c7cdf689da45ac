import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Divider,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import type { CampaignsAnswer, CampaignsPage } from "./page.server";

// The editor's AI writer: the merchant's brief and the shop's brand voice; Generate (and
// Regenerate) shows three subject + body variants, each with "Use this", which copies it
// into the campaign's fields where it stays editable by hand. When the template engine
// wrote them (no key, a failure, the monthly budget) a notice says so and why.

type Variant = { subject: string; body: string };

const TONE_OPTIONS = [
  { value: "friendly", label: "Friendly" },
  { value: "formal", label: "Formal" },
  { value: "playful", label: "Playful" },
];

export function AiWriter(props: {
  writer: CampaignsPage["writer"];
  trigger: string;
  brief: string;
  onBrief: (brief: string) => void;
  onUse: (variant: Variant, writtenBy: "openai" | "template") => void;
}) {
  const { writer } = props;
  const generate = useFetcher<CampaignsAnswer>();
  const voice = useFetcher<CampaignsAnswer>();
  const [tone, setTone] = useState(writer.brandTone);
  const [description, setDescription] = useState(writer.brandVoice);
  const [capUsd, setCapUsd] = useState(writer.capUsd);
  const written = generate.data?.ok && "written" in generate.data ? generate.data.written : null;
  const generateError = generate.data && !generate.data.ok ? generate.data : null;
  const voiceAnswer = voice.data;
  const voiceErrors = voiceAnswer && !voiceAnswer.ok ? voiceAnswer.fieldErrors : {};
  const post = (fetcher: typeof generate, fields: Record<string, string>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    fetcher.submit(data, { method: "post" });
  };
  const run = () => post(generate, { intent: "write-copy", trigger: props.trigger, brief: props.brief });
  const used = written?.used ?? writer.used;
  const cap = written?.cap ?? writer.cap;

  return (
    <Box padding="400" background="bg-surface-secondary" borderRadius="200">
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingSm">
            AI writer
          </Text>
          <Text as="span" tone="subdued" variant="bodySm">
            {writer.configured
              ? `OpenAI spend this month: ${used} of ${cap}`
              : "OpenAI is not configured: the template engine writes"}
          </Text>
        </InlineStack>
        <TextField
          label="Brief"
          value={props.brief}
          onChange={props.onBrief}
          multiline={2}
          autoComplete="off"
          error={generateError?.fieldErrors.brief}
          placeholder="e.g. Thank them for moving up; mention free shipping for Gold."
          helpText="What the message should say. Saved with the campaign."
        />
        <FormLayout>
          <FormLayout.Group condensed>
            <Select
              label="Brand tone"
              options={TONE_OPTIONS}
              value={tone}
              onChange={setTone}
              error={voiceErrors.brandTone}
            />
            <TextField
              label="Monthly AI budget (USD)"
              value={capUsd}
              onChange={setCapUsd}
              autoComplete="off"
              error={voiceErrors.aiMonthlyCapUsd}
            />
          </FormLayout.Group>
          <TextField
            label="Brand voice"
            value={description}
            onChange={setDescription}
            autoComplete="off"
            error={voiceErrors.brandVoice}
            placeholder="e.g. Warm, short sentences, no exclamation marks"
          />
        </FormLayout>
        <InlineStack gap="200">
          <Button variant="primary" onClick={run} loading={generate.state !== "idle"}>
            {written ? "Regenerate" : "Generate"}
          </Button>
          <Button
            onClick={() =>
              post(voice, {
                intent: "save-writer",
                brandTone: tone,
                brandVoice: description,
                aiMonthlyCapUsd: capUsd,
              })
            }
            loading={voice.state !== "idle"}
          >
            Save voice and budget
          </Button>
          {voiceAnswer?.ok ? <Badge tone="success">Saved</Badge> : null}
        </InlineStack>
        {generateError && !generateError.fieldErrors.brief ? (
          <Banner tone="critical">{generateError.error}</Banner>
        ) : null}
        {written ? (
          <BlockStack gap="300">
            {written.writtenBy === "template" ? (
              <Banner tone="warning" title="Written by the template engine">
                {written.reason}
              </Banner>
            ) : (
              <InlineStack gap="200">
                <Badge tone="info">Written by OpenAI</Badge>
                <Text as="span" tone="subdued" variant="bodySm">
                  Checked for length, variables and moderation.
                </Text>
              </InlineStack>
            )}
            {written.variants.map((variant, i) => (
              <BlockStack gap="200" key={i}>
                {i > 0 ? <Divider /> : null}
                <BlockStack gap="100">
                  <Text as="p" variant="headingSm">
                    {variant.subject}
                  </Text>
                  {variant.body.split(/\n\s*\n/).map((p, j) => (
                    <Text as="p" variant="bodySm" key={j}>
                      {p}
                    </Text>
                  ))}
                </BlockStack>
                <InlineStack>
                  <Button
                    size="slim"
                    onClick={() => props.onUse(variant, written.writtenBy)}
                    accessibilityLabel={`Use variant ${i + 1}`}
                  >
                    Use this
                  </Button>
                </InlineStack>
              </BlockStack>
            ))}
          </BlockStack>
        ) : null}
      </BlockStack>
    </Box>
  );
}
