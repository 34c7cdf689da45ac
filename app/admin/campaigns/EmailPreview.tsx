import { Banner, BlockStack, Box, Button, ButtonGroup, InlineStack, Text } from "@shopify/polaris";
import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { CampaignsAnswer } from "./page.server";

// The email as the sample member receives it: the MJML-compiled HTML from the server
// (content.ts), re-rendered as the merchant types, shown in a sandboxed iframe (no scripts,
// no same-origin access) at a desktop or a phone's width.

const WIDTHS = { desktop: 640, mobile: 375 } as const;

export function EmailPreview(props: { subject: string; body: string; personalize: boolean }) {
  const fetcher = useFetcher<CampaignsAnswer>();
  const [device, setDevice] = useState<keyof typeof WIDTHS>("desktop");
  const { subject, body, personalize } = props;
  const { submit } = fetcher;
  useEffect(() => {
    const timer = setTimeout(() => {
      const data = new FormData();
      data.set("intent", "preview");
      data.set("subject", subject);
      data.set("body", body);
      data.set("personalize", String(personalize));
      submit(data, { method: "post" });
    }, 400);
    return () => clearTimeout(timer);
  }, [subject, body, personalize, submit]);
  const answer = fetcher.data;
  const preview = answer?.ok && "preview" in answer ? answer.preview : null;

  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          Email preview
        </Text>
        <ButtonGroup variant="segmented">
          <Button pressed={device === "desktop"} onClick={() => setDevice("desktop")}>
            Desktop
          </Button>
          <Button pressed={device === "mobile"} onClick={() => setDevice("mobile")}>
            Mobile
          </Button>
        </ButtonGroup>
      </InlineStack>
      {answer && !answer.ok ? <Banner tone="critical">{answer.error}</Banner> : null}
      {preview ? (
        <BlockStack gap="100">
          <Text as="p" variant="bodySm" tone="subdued">
            Subject: {preview.subject}
          </Text>
          <Box background="bg-surface-secondary" padding="200" borderRadius="200">
            <InlineStack align="center">
              <iframe
                title={`Email preview (${device})`}
                sandbox=""
                srcDoc={preview.html}
                style={{
                  width: WIDTHS[device],
                  maxWidth: "100%",
                  height: 560,
                  border: "1px solid #e3e3e3",
                  background: "#fff",
                }}
              />
            </InlineStack>
          </Box>
          {personalize ? (
            <Text as="p" variant="bodySm" tone="subdued">
              The second paragraph is the template engine’s personal line for Ana; at send time each member’s
              line is written for their tier, reward and favourite category.
            </Text>
          ) : null}
        </BlockStack>
      ) : (
        <Text as="p" tone="subdued">
          Rendering…
        </Text>
      )}
    </BlockStack>
  );
}
