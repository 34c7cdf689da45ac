import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  FormLayout,
  InlineStack,
  List,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { AutoApplyView } from "./auto-apply-present";

// The report's auto-apply card (ADR 0045): on or off, the rule, exactly what it may
// change, the guardrails it watches, its last check and the history of its decisions, and a
// one-click revert of what it shipped. Posts to the experiment page's action.

type Answer =
  { ok: true; message: string } | { ok: false; message: string; fieldErrors: Record<string, string> };

export function AutoApplyCard({ view }: { view: AutoApplyView }) {
  const fetcher = useFetcher<Answer>();
  const shopify = useAppBridge();
  const [fields, setFields] = useState({
    probabilityBestPercent: String(view.settings.probabilityBestPercent),
    holdHours: String(view.settings.holdHours),
    minMembersPerArm: String(view.settings.minMembersPerArm),
    minDays: String(view.settings.minDays),
  });
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) shopify.toast.show(fetcher.data.message);
  }, [fetcher.state, fetcher.data, shopify]);
  const busy = fetcher.state !== "idle";
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.fieldErrors : {};
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  const field = (key: keyof typeof fields, label: string, suffix?: string) => (
    <TextField
      label={label}
      type="number"
      autoComplete="off"
      suffix={suffix}
      value={fields[key]}
      error={errors[key]}
      onChange={(value) => setFields((f) => ({ ...f, [key]: value }))}
    />
  );
  const submit = (data: Record<string, string>) => fetcher.submit(data, { method: "post" });
  return (
    <Card>
      <div data-testid="auto-apply-card">
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Auto-apply
            </Text>
            <Badge tone={view.enabled ? "success" : undefined}>{view.enabled ? "On" : "Off"}</Badge>
          </InlineStack>
          <Banner tone={view.state.tone} title={view.state.title}>
            <BlockStack gap="100">
              {view.state.lines.map((line) => (
                <p key={line}>{line}</p>
              ))}
              {view.state.at && (
                <Text as="p" variant="bodySm" tone="subdued">
                  Checked {view.state.at}
                </Text>
              )}
            </BlockStack>
          </Banner>
          {view.revert && (
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="p">
                {view.revert.variant} is live as program version {view.revert.version}.
              </Text>
              <Button tone="critical" loading={busy} onClick={() => submit({ intent: "revert" })}>
                Revert
              </Button>
            </InlineStack>
          )}
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Rule
            </Text>
            <Text as="p">{view.rule}</Text>
          </BlockStack>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              What it may change
            </Text>
            <Text as="p">{view.mayChange.intro}</Text>
            <List>
              {view.mayChange.variants.map((v) => (
                <List.Item key={v.name}>
                  {v.name}: {v.change}
                </List.Item>
              ))}
            </List>
            <Text as="p" tone="subdued">
              {view.mayChange.also}
            </Text>
          </BlockStack>
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              Guardrails (a breach pauses the experiment)
            </Text>
            <List>
              {view.guardrails.map((g) => (
                <List.Item key={g}>{g}</List.Item>
              ))}
            </List>
          </BlockStack>
          {failure && (
            <Banner tone="critical" title={failure}>
              {Object.values(errors).map((m) => (
                <p key={m}>{m}</p>
              ))}
            </Banner>
          )}
          {view.locked ? (
            <Text as="p" tone="subdued">
              {view.locked}
            </Text>
          ) : view.enabled ? (
            <InlineStack>
              <Button loading={busy} onClick={() => submit({ intent: "auto-apply-off" })}>
                Turn off auto-apply
              </Button>
            </InlineStack>
          ) : (
            <FormLayout>
              <FormLayout.Group>
                {view.isBandit
                  ? field("probabilityBestPercent", "Probability of being best", "%")
                  : field("minDays", "No ship before", "days")}
                {view.isBandit ? field("holdHours", "Held for", "hours") : null}
                {field("minMembersPerArm", "Members per variant, at least")}
              </FormLayout.Group>
              <Button
                variant="primary"
                loading={busy}
                onClick={() =>
                  submit({
                    intent: "auto-apply-on",
                    ...(view.isBandit
                      ? { probabilityBestPercent: fields.probabilityBestPercent, holdHours: fields.holdHours }
                      : { minDays: fields.minDays }),
                    minMembersPerArm: fields.minMembersPerArm,
                  })
                }
              >
                Turn on auto-apply
              </Button>
            </FormLayout>
          )}
          {view.history.length > 0 && (
            <BlockStack gap="100">
              <Text as="h3" variant="headingSm">
                History
              </Text>
              {view.history.map((h) => (
                <Box key={h.id}>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {h.at}
                  </Text>
                  <Text as="p" variant="bodySm">
                    {h.text}
                  </Text>
                </Box>
              ))}
            </BlockStack>
          )}
        </BlockStack>
      </div>
    </Card>
  );
}
