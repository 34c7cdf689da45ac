import { BlockStack, Box, Button, InlineStack, Text } from "@shopify/polaris";
import { renderTemplate, sampleValues, templateProblem, type TemplateValues } from "~/campaigns/template";

// The subject and message as the sample member (Ana, 1,250 points, Silver) would read them,
// or the template's problem, as the campaign and broadcast editors show it.

function preview(template: string, values: TemplateValues): { text: string; problem: string | null } {
  const problem = templateProblem(template);
  return problem ? { text: "", problem } : { text: renderTemplate(template, values), problem: null };
}

export function MessagePreview(props: {
  shopName: string;
  subject: string;
  body: string;
  /** The widget inbox's message (its button instead of the email's unsubscribe line), or null. */
  inbox?: { ctaLabel: string; ctaUrl: string } | null;
}) {
  const values = sampleValues(props.shopName);
  const subject = preview(props.subject, values);
  const body = preview(props.body, values);
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Preview
      </Text>
      <Box padding="400" background="bg-surface-secondary" borderRadius="200">
        <BlockStack gap="300">
          {subject.problem ? (
            <Text as="p" tone="critical">
              {subject.problem}
            </Text>
          ) : (
            <Text as="p" variant="headingSm">
              {subject.text}
            </Text>
          )}
          {body.problem ? (
            <Text as="p" tone="critical">
              {body.problem}
            </Text>
          ) : (
            body.text
              .split(/\n\s*\n/)
              .filter((p) => p.trim())
              .map((p, i) => (
                <Text as="p" key={i}>
                  {p}
                </Text>
              ))
          )}
          {props.inbox ? (
            props.inbox.ctaLabel && props.inbox.ctaUrl ? (
              <InlineStack>
                <Button disabled>{props.inbox.ctaLabel}</Button>
              </InlineStack>
            ) : null
          ) : (
            <Text as="p" tone="subdued" variant="bodySm">
              You receive this as a member of {props.shopName} Rewards. Unsubscribe
            </Text>
          )}
        </BlockStack>
      </Box>
      <Text as="p" tone="subdued" variant="bodySm">
        As Ana would read it: 1,250 points, Silver, 750 points from $20 off.
      </Text>
    </BlockStack>
  );
}
