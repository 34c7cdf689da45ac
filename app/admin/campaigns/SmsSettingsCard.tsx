import { BlockStack, Button, Card, FormLayout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { defaultProviderSendsPerMinute } from "~/campaigns/provider-limits";
import type { CampaignsAnswer, CampaignsPage } from "./page.server";

// SMS sending settings: Twilio's account SID, auth token (write-only: stored encrypted, never
// shown again) and sender, and the addresses the merchant gives Twilio for incoming texts
// (STOP / START) and any provider for bounce and complaint reports.

export function SmsSettingsCard(props: {
  page: CampaignsPage;
  answer: CampaignsAnswer | undefined;
  submitting: boolean;
  submit: (form: FormData) => void;
}) {
  const s = props.page.settings;
  const [form, setForm] = useState({
    twilioAccountSid: s?.twilioAccountSid ?? "",
    twilioAuthToken: "",
    twilioFrom: s?.twilioFrom ?? "",
    twilioSendsPerMinute: s?.twilioSendsPerMinute?.toString() ?? "",
  });
  const defaultRate = defaultProviderSendsPerMinute("twilio", form.twilioFrom.trim());
  const set = (name: keyof typeof form) => (value: string) => setForm({ ...form, [name]: value });
  const errors = props.answer && !props.answer.ok ? props.answer.fieldErrors : {};
  const saved = props.answer?.ok && "saved" in props.answer && props.answer.saved === "sms-settings";
  const save = () => {
    const data = new FormData();
    data.set("intent", "save-sms-settings");
    for (const [k, v] of Object.entries(form)) data.set(k, v);
    props.submit(data);
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          SMS
        </Text>
        <FormLayout>
          <Text as="p" tone="subdued">
            Texts are sent through your Twilio account.
          </Text>
          <FormLayout.Group>
            <TextField
              label="Account SID"
              value={form.twilioAccountSid}
              onChange={set("twilioAccountSid")}
              error={errors.twilioAccountSid}
              placeholder="AC…"
              autoComplete="off"
            />
            <TextField
              label="Auth token"
              type="password"
              value={form.twilioAuthToken}
              onChange={set("twilioAuthToken")}
              error={errors.twilioAuthToken}
              autoComplete="new-password"
              helpText={
                s?.hasTwilioToken
                  ? "A token is stored (encrypted). Leave empty to keep it."
                  : "Stored encrypted; also checks Twilio's signatures."
              }
            />
          </FormLayout.Group>
          <TextField
            label="Send from"
            value={form.twilioFrom}
            onChange={set("twilioFrom")}
            error={errors.twilioFrom}
            placeholder="+15550001111 or MG…"
            helpText="Your Twilio number in international format, or a Messaging Service SID."
            autoComplete="off"
          />
          <TextField
            label="Twilio account: texts per minute"
            type="number"
            value={form.twilioSendsPerMinute}
            onChange={set("twilioSendsPerMinute")}
            error={errors.twilioSendsPerMinute}
            placeholder={String(defaultRate)}
            autoComplete="off"
            helpText={`Shared by every shop on this Twilio account; texts beyond it wait for the next minute. Empty: ${defaultRate} (a number sends one segment a second, a US or Canadian toll-free number three).`}
          />
          <TextField
            label="Incoming messages webhook (paste into your Twilio number's settings)"
            value={props.page.endpoints.twilioInbound}
            readOnly
            autoComplete="off"
            helpText="STOP, UNSUBSCRIBE, CANCEL, END or QUIT stop texts to that number and unsubscribe it in Shopify; START lifts the stop, and marketing texts resume once the customer consents again in Shopify."
          />
          <TextField
            label="Bounce and complaint reports (any provider, JSON POST)"
            value={props.page.endpoints.feedback}
            readOnly
            autoComplete="off"
            helpText='Body: {"type": "bounce" or "complaint", "channel": "email" or "sms", "address": "…"} or a list of them. Keep this address secret.'
          />
          <div>
            <Button onClick={save} loading={props.submitting}>
              Save SMS settings
            </Button>
          </div>
          {saved ? (
            <Text as="p" tone="success">
              SMS settings saved.
            </Text>
          ) : null}
        </FormLayout>
      </BlockStack>
    </Card>
  );
}
