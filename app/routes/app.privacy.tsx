import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, IndexTable, Layout, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { prisma } from "~/db.server";
import { listDataExports, type DataExportSummary } from "~/admin/privacy/exports.server";
import { authenticate } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  return { exports: await listDataExports(prisma(), session.shop) };
}

export default function PrivacyPage() {
  const { exports } = useLoaderData<typeof loader>();
  return (
    <Page title="Privacy requests" subtitle="Customer data requests Shopify forwarded to this app">
      <Layout>
        <Layout.Section>
          <Card padding="0">
            {exports.length === 0 ? (
              <Box padding="400">
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    No data requests
                  </Text>
                  <Text as="p">
                    When a customer asks your store for their data, Shopify notifies this app and the export
                    appears here, ready to download and send to them.
                  </Text>
                </BlockStack>
              </Box>
            ) : (
              <ExportsTable exports={exports} />
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Text as="p" tone="subdued">
            Send each export to the customer within 30 days of the request. Erasure requests are carried out
            automatically and need nothing from you.
          </Text>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function ExportsTable({ exports }: { exports: DataExportSummary[] }) {
  return (
    <IndexTable
      resourceName={{ singular: "data request", plural: "data requests" }}
      itemCount={exports.length}
      selectable={false}
      headings={[
        { title: "Customer" },
        { title: "Requested" },
        { title: "Status" },
        { title: "Export", alignment: "end" },
      ]}
    >
      {exports.map((item, index) => (
        <IndexTable.Row id={item.id} key={item.id} position={index}>
          <IndexTable.Cell>
            <BlockStack gap="050">
              <Text as="span" fontWeight="semibold">
                {item.customerEmail ?? `Customer ${item.customerId ?? "unknown"}`}
              </Text>
              {item.ordersRequested.length > 0 && (
                <Text as="span" tone="subdued">
                  {item.ordersRequested.length} order{item.ordersRequested.length === 1 ? "" : "s"} requested
                </Text>
              )}
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>{new Date(item.requestedAt).toLocaleString()}</IndexTable.Cell>
          <IndexTable.Cell>
            {item.status === "delivered" ? (
              <Badge tone="success">Downloaded</Badge>
            ) : (
              <Badge tone="attention">Ready</Badge>
            )}
          </IndexTable.Cell>
          <IndexTable.Cell>
            <DownloadButton id={item.id} />
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

// A plain link would leave the embedded frame without a session token; fetch carries it
// (App Bridge adds it), and the file is handed to the browser from a blob.
function DownloadButton({ id }: { id: string }) {
  const revalidator = useRevalidator();
  const [state, setState] = useState<"idle" | "loading" | "error">("idle");
  const download = async () => {
    setState("loading");
    try {
      const response = await fetch(`/app/privacy/${id}`);
      if (!response.ok) throw new Error(`Download failed (${response.status})`);
      const filename =
        /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? `${id}.json`;
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement("a"), { href: url, download: filename });
      link.click();
      URL.revokeObjectURL(url);
      setState("idle");
      revalidator.revalidate();
    } catch {
      setState("error");
    }
  };
  return (
    <Button
      onClick={download}
      loading={state === "loading"}
      tone={state === "error" ? "critical" : undefined}
    >
      {state === "error" ? "Retry download" : "Download"}
    </Button>
  );
}
