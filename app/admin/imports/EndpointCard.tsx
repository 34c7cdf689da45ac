import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Text, TextField } from "@shopify/polaris";
import { formatDateTime } from "~/admin/components/time";
import type { ImportsActionResult } from "./imports-page.server";
import type { ImportsPageData } from "./ImportsScreen";

// The signed endpoint: its address, how to sign, and the secret (shown once when created).

export function EndpointCard({
  endpoint,
  kind,
  timeZone,
}: {
  endpoint: ImportsPageData["endpoint"];
  kind: ImportsPageData["kind"];
  timeZone: string | null;
}) {
  const fetcher = useFetcher<ImportsActionResult>();
  const created = fetcher.data?.ok && fetcher.data.intent === "rotate-secret" ? fetcher.data : null;
  const url = kind === "reviews" ? endpoint.reviewsUrl : endpoint.engagementUrl;
  const envelope = kind === "reviews" ? '{"reviews": [...]}' : '{"events": [...]}';
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Import endpoint
        </Text>
        <Text as="p" tone="subdued">
          {`POST ${envelope} with the same columns as the CSV, signed with your import secret.`}
        </Text>
        <TextField label="URL" value={url} readOnly autoComplete="off" />
        <TextField
          label={`Header ${endpoint.shopHeader}`}
          value={endpoint.shop}
          readOnly
          autoComplete="off"
        />
        <Text as="p" variant="bodySm">
          {`Header ${endpoint.signatureHeader}: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>. A wrong signature gets 401, a body that is not JSON 400, rows with errors 422 with their numbers (the valid rows are stored).`}
        </Text>
        {created ? (
          <Banner tone="warning" title="Copy your secret now">
            <BlockStack gap="200">
              <TextField label="Import secret" value={created.secret} readOnly autoComplete="off" />
              <p>It is not shown again. Rotating it makes the old one stop working at once.</p>
            </BlockStack>
          </Banner>
        ) : null}
        <Text as="p">
          {endpoint.secret
            ? `A secret is set (fingerprint ${endpoint.secret.fingerprint}), created ${formatDateTime(endpoint.secret.createdAt, timeZone)}.`
            : "No secret yet: generate one to use the endpoint."}
        </Text>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="rotate-secret" />
          <Button submit loading={fetcher.state !== "idle"}>
            {endpoint.secret ? "Rotate secret" : "Generate secret"}
          </Button>
        </fetcher.Form>
      </BlockStack>
    </Card>
  );
}
