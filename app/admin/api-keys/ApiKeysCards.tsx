import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { formatDateTime } from "~/admin/components/time";
import type { ApiKeysAnswer, ApiKeysPage } from "./page.server";

/** Create a key; its secret shows once, in the answer. */
export function CreateKeyCard(props: {
  page: ApiKeysPage;
  answer: ApiKeysAnswer | undefined;
  submitting: boolean;
  submit: (form: FormData) => void;
}) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(props.page.scopes.map((s) => s.value));
  const answer = props.answer;
  const createdId = answer?.ok ? answer.created?.id : undefined;
  // A new key: the form starts over for the next one.
  useEffect(() => {
    if (createdId) setName("");
  }, [createdId]);
  const fieldErrors = answer && !answer.ok ? answer.fieldErrors : undefined;
  const create = () => {
    const form = new FormData();
    form.set("intent", "create");
    form.set("name", name);
    for (const s of scopes) form.append("scopes", s);
    props.submit(form);
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Create a key
        </Text>
        <Text as="p" tone="subdued">
          Other systems (your storefront, an email tool) call the Loyalty Optimizer API with a key in the
          header <code>Authorization: Bearer &lt;key&gt;</code>, e.g.{" "}
          <code>GET /api/v1/recommendations/&lt;customer id&gt;</code>.
        </Text>
        {answer?.ok && answer.created && (
          <Banner tone="success" title={`Key “${answer.created.name}” created`}>
            <BlockStack gap="200">
              <p>Copy it now: it is shown only once. Only its fingerprint is stored.</p>
              <Text as="p" fontWeight="bold" breakWord>
                <code data-testid="new-api-key">{answer.created.key}</code>
              </Text>
            </BlockStack>
          </Banner>
        )}
        {answer && !answer.ok && !fieldErrors && <Banner tone="critical">{answer.error}</Banner>}
        <TextField
          label="Name"
          value={name}
          onChange={setName}
          autoComplete="off"
          placeholder="e.g. Storefront recommendations"
          error={fieldErrors?.name}
        />
        <BlockStack gap="100">
          {props.page.scopes.map((s) => (
            <Checkbox
              key={s.value}
              label={`${s.label} (${s.value})`}
              checked={scopes.includes(s.value)}
              onChange={(on) => setScopes(on ? [...scopes, s.value] : scopes.filter((x) => x !== s.value))}
            />
          ))}
          {fieldErrors?.scopes && (
            <Text as="p" tone="critical">
              {fieldErrors.scopes}
            </Text>
          )}
        </BlockStack>
        <div>
          <Button variant="primary" onClick={create} loading={props.submitting}>
            Create key
          </Button>
        </div>
      </BlockStack>
    </Card>
  );
}

export function KeysCard(props: {
  page: ApiKeysPage;
  submitting: boolean;
  submit: (form: FormData) => void;
}) {
  const { keys, timeZone } = props.page;
  const revoke = (id: string) => {
    const form = new FormData();
    form.set("intent", "revoke");
    form.set("id", id);
    props.submit(form);
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Keys
        </Text>
        {keys.length === 0 ? (
          <Text as="p" tone="subdued">
            No keys yet.
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text"]}
            headings={["Name", "Key", "Permissions", "Created", "Last used", ""]}
            rows={keys.map((k) => [
              k.name,
              <code key="p">{k.prefix}…</code>,
              k.scopes.join(", "),
              formatDateTime(k.createdAt, timeZone),
              k.lastUsedAt ? formatDateTime(k.lastUsedAt, timeZone) : "Never",
              k.revokedAt ? (
                <Badge key="r">{`Revoked ${formatDateTime(k.revokedAt, timeZone)}`}</Badge>
              ) : (
                <Button
                  key="b"
                  tone="critical"
                  variant="plain"
                  onClick={() => revoke(k.id)}
                  disabled={props.submitting}
                >
                  Revoke
                </Button>
              ),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
