import {
  Badge,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { defaultProviderSendsPerMinute } from "~/campaigns/provider-limits";
import type { CampaignsAnswer, CampaignsPage } from "./page.server";

// The campaigns list, the email settings (SMTP or Klaviyo) and the latest messages.

const STATUS_TONE = {
  sent: "success",
  failed: "critical",
  suppressed: "attention",
  queued: "info",
  heldOut: "new",
} as const;

const CHANNEL_LABEL: Record<string, string> = {
  email: "Email",
  sms: "SMS",
  inbox: "Widget inbox",
  best: "Best channel",
};

export function CampaignsList(props: {
  page: CampaignsPage;
  onEdit: (id: string | null, trigger?: string) => void;
}) {
  const { page } = props;
  const label = (trigger: string | null) =>
    page.triggers.find((t) => t.value === trigger)?.label ?? "Broadcast";
  // Triggers without a campaign yet: listed off, with their default copy one click away.
  const unused = page.triggers.filter((t) => !page.campaigns.some((c) => c.trigger === t.value));
  const rows = [
    ...page.campaigns.map((c) => [
      c.name,
      CHANNEL_LABEL[c.channel] ?? c.channel,
      label(c.trigger),
      <Badge key="s" tone={c.enabled ? "success" : undefined}>
        {c.enabled ? "On" : "Off"}
      </Badge>,
      c.sends.sent,
      c.sends.suppressed,
      c.sends.failed,
      <InlineStack key="e" gap="200">
        <Button variant="plain" onClick={() => props.onEdit(c.id)}>
          Edit
        </Button>
        {c.measured && (
          <Button variant="plain" url={`/app/campaigns/${c.id}/report`}>
            Report
          </Button>
        )}
      </InlineStack>,
    ]),
    ...unused.map((t) => [
      <Text key="n" as="span" tone="subdued">
        {t.copy.name}
      </Text>,
      "",
      t.label,
      <Badge key="s">Not set up</Badge>,
      "",
      "",
      "",
      <Button key="e" variant="plain" onClick={() => props.onEdit(null, t.value)}>
        Set up
      </Button>,
    ]),
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Lifecycle messages
        </Text>
        <DataTable
          columnContentTypes={["text", "text", "text", "text", "numeric", "numeric", "numeric", "text"]}
          headings={["Name", "Channel", "Sent when", "Status", "Sent", "Suppressed", "Failed", ""]}
          rows={rows}
        />
        <div>
          <Button onClick={() => props.onEdit(null)}>New campaign</Button>
        </div>
      </BlockStack>
    </Card>
  );
}

export function EmailServerCard(props: {
  page: CampaignsPage;
  answer: CampaignsAnswer | undefined;
  submitting: boolean;
  submit: (form: FormData) => void;
}) {
  const s = props.page.settings;
  const [form, setForm] = useState({
    emailProvider: s?.emailProvider ?? "smtp",
    klaviyoApiKey: "",
    fromEmail: s?.fromEmail ?? "",
    fromName: s?.fromName ?? "",
    smtpHost: s?.smtpHost ?? "",
    smtpPort: s?.smtpPort?.toString() ?? "587",
    smtpSecure: s?.smtpSecure ?? false,
    smtpUser: s?.smtpUser ?? "",
    smtpPassword: "",
    memberCapCount: String(s?.memberCapCount ?? 3),
    memberCapDays: String(s?.memberCapDays ?? 7),
    sendsPerMinute: String(s?.sendsPerMinute ?? 120),
    smtpSendsPerMinute: s?.smtpSendsPerMinute?.toString() ?? "",
    klaviyoSendsPerMinute: s?.klaviyoSendsPerMinute?.toString() ?? "",
  });
  const provider = form.emailProvider === "klaviyo" ? "klaviyo" : "smtp";
  const providerRateField = provider === "klaviyo" ? "klaviyoSendsPerMinute" : "smtpSendsPerMinute";
  const set = (name: keyof typeof form) => (value: string | boolean) => setForm({ ...form, [name]: value });
  const errors = props.answer && !props.answer.ok ? props.answer.fieldErrors : {};
  const save = () => {
    const data = new FormData();
    data.set("intent", "save-settings");
    for (const [k, v] of Object.entries(form)) data.set(k, String(v));
    props.submit(data);
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Email
        </Text>
        <FormLayout>
          <Select
            label="Sent by"
            options={[
              { value: "smtp", label: "Your email server (SMTP)" },
              { value: "klaviyo", label: "Klaviyo (a flow in your Klaviyo account sends it)" },
            ]}
            value={form.emailProvider}
            onChange={set("emailProvider")}
            error={errors.emailProvider}
          />
          {form.emailProvider === "klaviyo" ? (
            <BlockStack gap="200">
              <TextField
                label="Klaviyo private API key"
                type="password"
                value={form.klaviyoApiKey}
                onChange={set("klaviyoApiKey")}
                error={errors.klaviyoApiKey}
                autoComplete="new-password"
                helpText={
                  s?.hasKlaviyoKey
                    ? "A key is stored (encrypted). Leave empty to keep it."
                    : "Needs the events:write scope. Stored encrypted."
                }
              />
              <Text as="p" tone="subdued" variant="bodySm">
                Each message becomes a “Loyalty Optimizer message” event on the member’s Klaviyo profile, with
                the subject, HTML and text as properties. Nothing is delivered until you build a flow in
                Klaviyo triggered by that metric that sends them.
              </Text>
            </BlockStack>
          ) : (
            <SmtpFields form={form} set={set} errors={errors} hasPassword={s?.hasPassword ?? false} />
          )}
          <FormLayout.Group condensed>
            <TextField
              label="Marketing emails per member, at most"
              type="number"
              value={form.memberCapCount}
              onChange={set("memberCapCount")}
              error={errors.memberCapCount}
              autoComplete="off"
            />
            <TextField
              label="per (days)"
              type="number"
              value={form.memberCapDays}
              onChange={set("memberCapDays")}
              error={errors.memberCapDays}
              autoComplete="off"
            />
            <TextField
              label="Sends per minute"
              type="number"
              value={form.sendsPerMinute}
              onChange={set("sendsPerMinute")}
              error={errors.sendsPerMinute}
              autoComplete="off"
            />
          </FormLayout.Group>
          <TextField
            label={
              provider === "klaviyo" ? "Klaviyo account: events per minute" : "Email server: sends per minute"
            }
            type="number"
            value={form[providerRateField]}
            onChange={set(providerRateField)}
            error={errors[providerRateField]}
            placeholder={String(defaultProviderSendsPerMinute(provider))}
            autoComplete="off"
            helpText={`Shared by every shop sending through the same ${
              provider === "klaviyo" ? "Klaviyo account" : "server and user"
            }; sends beyond it wait for the next minute. Empty: ${defaultProviderSendsPerMinute(provider)}.`}
          />
          <div>
            <Button onClick={save} loading={props.submitting}>
              Save email settings
            </Button>
          </div>
        </FormLayout>
      </BlockStack>
    </Card>
  );
}

export function RecentMessagesCard(props: { page: CampaignsPage }) {
  const { page } = props;
  const when = (iso: string) =>
    new Intl.DateTimeFormat("en", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: page.timeZone,
    }).format(new Date(iso));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Latest messages
        </Text>
        {page.recent.length ? (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text"]}
            headings={["Queued", "Campaign", "To", "Channel", "Status", "Subject or reason"]}
            rows={page.recent.map((m) => [
              when(m.queuedAt),
              m.campaign,
              m.toAddress ?? `customer ${m.customerId}`,
              CHANNEL_LABEL[m.channel] ?? m.channel,
              <InlineStack key="s" gap="100">
                <Badge tone={STATUS_TONE[m.status]}>{m.status}</Badge>
                {m.channel === "inbox" && m.status === "sent" ? (
                  <Badge tone={m.readAt ? "success" : undefined}>
                    {m.readAt ? `read ${when(m.readAt)}` : m.inboxExpired ? "expired" : "unread"}
                  </Badge>
                ) : null}
              </InlineStack>,
              m.status === "sent"
                ? (m.subject ?? "")
                : m.status === "heldOut"
                  ? "Held out: measured, sent nothing"
                  : (m.error ?? ""),
            ])}
          />
        ) : (
          <Text as="p" tone="subdued">
            Nothing sent yet.
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}

type SmtpForm = {
  fromEmail: string;
  fromName: string;
  smtpHost: string;
  smtpPort: string;
  smtpSecure: boolean;
  smtpUser: string;
  smtpPassword: string;
};

function SmtpFields(props: {
  form: SmtpForm;
  set: (name: keyof SmtpForm) => (value: string | boolean) => void;
  errors: Record<string, string>;
  hasPassword: boolean;
}) {
  return (
    <BlockStack gap="400">
      <FormLayout.Group>
        <TextField
          label="From address"
          value={props.form.fromEmail}
          onChange={props.set("fromEmail")}
          error={props.errors.fromEmail}
          autoComplete="off"
        />
        <TextField
          label="From name"
          value={props.form.fromName}
          onChange={props.set("fromName")}
          error={props.errors.fromName}
          autoComplete="off"
        />
      </FormLayout.Group>
      <FormLayout.Group>
        <TextField
          label="SMTP host"
          value={props.form.smtpHost}
          onChange={props.set("smtpHost")}
          error={props.errors.smtpHost}
          autoComplete="off"
        />
        <TextField
          label="Port"
          type="number"
          value={props.form.smtpPort}
          onChange={props.set("smtpPort")}
          error={props.errors.smtpPort}
          autoComplete="off"
        />
      </FormLayout.Group>
      <Checkbox
        label="TLS from the start (port 465)"
        checked={props.form.smtpSecure}
        onChange={props.set("smtpSecure")}
      />
      <FormLayout.Group>
        <TextField
          label="User"
          value={props.form.smtpUser}
          onChange={props.set("smtpUser")}
          error={props.errors.smtpUser}
          autoComplete="off"
        />
        <TextField
          label="Password"
          type="password"
          value={props.form.smtpPassword}
          onChange={props.set("smtpPassword")}
          error={props.errors.smtpPassword}
          autoComplete="new-password"
          helpText={
            props.hasPassword
              ? "A password is stored (encrypted). Leave empty to keep it."
              : "Stored encrypted."
          }
        />
      </FormLayout.Group>
    </BlockStack>
  );
}
