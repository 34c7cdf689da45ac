import { useFetcher } from "@remix-run/react";
import { BlockStack, Box, Button, Card, Icon, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { CheckCircleIcon, AlertCircleIcon } from "@shopify/polaris-icons";
import type { Onboarding } from "./onboarding.server";

/** The new install's checklist: what is left before customers meet the program. */
export function OnboardingCard({ onboarding }: { onboarding: Onboarding }) {
  const fetcher = useFetcher();
  if (!onboarding.show || fetcher.state !== "idle") return null;
  const total = onboarding.steps.length;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Get your program in front of customers
            </Text>
            <Text as="p" tone="subdued">
              {`${onboarding.done} of ${total} steps done`}
            </Text>
          </BlockStack>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="dismiss-onboarding" />
            <Button submit variant="plain">
              Dismiss
            </Button>
          </fetcher.Form>
        </InlineStack>
        <ProgressBar progress={(100 * onboarding.done) / total} size="small" tone="success" />
        <BlockStack gap="300">
          {onboarding.steps.map((step) => (
            <InlineStack key={step.id} gap="300" wrap={false} blockAlign="start">
              <Box>
                <Icon
                  source={step.done ? CheckCircleIcon : AlertCircleIcon}
                  tone={step.done ? "success" : "subdued"}
                />
              </Box>
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  <span data-onboarding-step={step.id} data-done={step.done ? "yes" : "no"}>
                    {step.title}
                  </span>
                </Text>
                <Text as="p" tone="subdued">
                  {step.detail}
                </Text>
                {step.action && (
                  <InlineStack>
                    <Button url={step.action.url} target={step.action.external ? "_top" : undefined}>
                      {step.action.label}
                    </Button>
                  </InlineStack>
                )}
              </BlockStack>
            </InlineStack>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
