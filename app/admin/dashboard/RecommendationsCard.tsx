import { useFetcher } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  InlineStack,
  List,
  Modal,
  Text,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { Recommendation } from "./recommendations";

type ShipAnswer = { ok: true; message: string } | { ok: false; message: string };

const TONES: Record<Recommendation["tone"], { label: string; tone: "success" | "critical" | "info" }> = {
  success: { label: "Ready to apply", tone: "success" },
  critical: { label: "Needs attention", tone: "critical" },
  info: { label: "Worth testing", tone: "info" },
};

/**
 * What the optimizer suggests now (recommendations.ts): each with its evidence and one
 * button. "Apply" ships the winning variant through the experiment's own action (a new
 * program version the experiment page can revert), after a confirmation.
 */
export function RecommendationsCard({ recommendations }: { recommendations: Recommendation[] }) {
  const fetcher = useFetcher<ShipAnswer>();
  const shopify = useAppBridge();
  const [confirm, setConfirm] = useState<Extract<Recommendation["action"], { kind: "ship" }> | null>(null);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) {
      shopify.toast.show(fetcher.data.message);
      setConfirm(null);
    }
  }, [fetcher.state, fetcher.data, shopify]);
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;

  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Recommendations
          </Text>
          <Text as="p" tone="subdued">
            What the optimizer suggests now, from your experiments and your members' points.
          </Text>
        </BlockStack>
        {recommendations.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing to act on today: no experiment has a winner yet, and your rewards and earn rate look
            reachable for your members. New suggestions appear here as your experiments gather data.
          </Text>
        ) : (
          <BlockStack gap="400">
            {recommendations.map((r, i) => (
              <BlockStack key={r.id} gap="300">
                {i > 0 && <Divider />}
                <div data-recommendation={r.id}>
                  <BlockStack gap="200">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {r.title}
                      </Text>
                      <Badge tone={TONES[r.tone].tone}>{TONES[r.tone].label}</Badge>
                    </InlineStack>
                    <List type="bullet">
                      {r.evidence.map((line) => (
                        <List.Item key={line}>{line}</List.Item>
                      ))}
                    </List>
                    <Box>
                      {r.action.kind === "ship" ? (
                        <Button variant="primary" onClick={() => setConfirm(r.action as typeof confirm)}>
                          {r.action.label}
                        </Button>
                      ) : (
                        <Button url={r.action.url}>{r.action.label}</Button>
                      )}
                    </Box>
                  </BlockStack>
                </div>
              </BlockStack>
            ))}
          </BlockStack>
        )}
      </BlockStack>
      {confirm && (
        <Modal
          open
          onClose={() => setConfirm(null)}
          title={`${confirm.label}?`}
          primaryAction={{
            content: confirm.label,
            loading: fetcher.state !== "idle",
            onAction: () =>
              fetcher.submit(
                { intent: "ship", variant: confirm.variant },
                { method: "post", action: `/app/experiments/${confirm.experimentId}` },
              ),
          }}
          secondaryActions={[{ content: "Cancel", onAction: () => setConfirm(null) }]}
        >
          <Modal.Section>
            <BlockStack gap="200">
              {failure && <Banner tone="critical">{failure}</Banner>}
              <Text as="p">
                The experiment ends and this variant becomes your live program, saved as a new program
                version. Every member gets it from their next order. You can revert it from the experiment's
                page.
              </Text>
            </BlockStack>
          </Modal.Section>
        </Modal>
      )}
    </Card>
  );
}
