import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { SMS_LIMITS, smsContent, smsSizeProblem } from "~/campaigns/sms";
import {
  sampleValues,
  templateProblem,
  TEMPLATE_VARIABLE_NAMES,
  type TemplateValues,
} from "~/campaigns/template";
import { AiWriter } from "./AiWriter";
import { EmailPreview } from "./EmailPreview";
import { MessagePreview } from "./MessagePreview";
import { TriggerSettingsFields } from "./TriggerSettingsFields";
import type { CampaignsAnswer, CampaignsPage } from "./page.server";

// The campaign editor with a live preview: the subject and message rendered as a sample
// member (Ana, 1,250 points, Silver) would receive them, or the SMS with its characters and
// segments, or the template's problem; the AI writer fills the fields (which stay editable
// by hand) and the email's HTML is previewed at desktop and mobile widths. The channel is
// email, SMS, the storefront widget's inbox (no consent asked, no quiet hours: ADR 0048) or
// each member's best one; an email campaign may fall back to the inbox for members it may
// not email.

type Campaign = CampaignsPage["campaigns"][number];

type Trigger = CampaignsPage["triggers"][number];

/** A new campaign of `trigger`, starting from its default copy, off. */
const fresh = (trigger: Trigger) => ({
  id: "",
  name: trigger.copy.name,
  trigger: trigger.value as string,
  channel: "email",
  inboxFallback: false,
  ctaLabel: "",
  ctaUrl: "",
  subject: trigger.copy.subject,
  body: trigger.copy.body,
  smsBody: "",
  enabled: false,
  frequencyCapCount: "",
  frequencyCapHours: "",
  quietStartHour: "",
  quietEndHour: "",
  brief: "",
  writtenBy: "hand",
  personalize: false,
  sendTime: "immediate",
});

const WRITTEN_BY: Record<string, { label: string; tone: "info" | "attention" | undefined }> = {
  openai: { label: "Written by OpenAI", tone: "info" },
  template: { label: "Written by the template engine", tone: "attention" },
  hand: { label: "Written by hand", tone: undefined },
};

const toForm = (c: Campaign | null, trigger: Trigger) =>
  c
    ? {
        id: c.id,
        name: c.name,
        trigger: c.trigger ?? "tierUpgrade",
        channel: c.channel,
        inboxFallback: c.inboxFallback,
        ctaLabel: c.ctaLabel ?? "",
        ctaUrl: c.ctaUrl ?? "",
        smsBody: c.smsBody ?? "",
        subject: c.subject,
        body: c.body,
        enabled: c.enabled,
        frequencyCapCount: c.frequencyCapCount?.toString() ?? "",
        frequencyCapHours: c.frequencyCapHours?.toString() ?? "",
        quietStartHour: c.quietStartHour?.toString() ?? "",
        quietEndHour: c.quietEndHour?.toString() ?? "",
        brief: c.brief,
        writtenBy: c.writtenBy,
        personalize: c.personalize,
        sendTime: c.sendTime,
      }
    : fresh(trigger);

const hourText = (h: number) => `${String(h).padStart(2, "0")}:00`;

/** How the members' best hours fall, so the merchant sees what "best hour" will do. */
function bestHourHelp(b: CampaignsPage["bestHours"], timeZone: string): string {
  if (!b.members)
    return `Each member's hour from their orders, with the shop's busiest hour as the default (${timeZone}). Quiet hours still apply.`;
  const top = b.top.map((t) => `${hourText(t.hour)} (${t.members})`).join(", ");
  return `${b.members} members: ${b.fromHistory} from their own orders, the rest at the shop default. Most common (${timeZone}): ${top}. Quiet hours still apply.`;
}

export function CampaignEditor(props: {
  page: CampaignsPage;
  campaign: Campaign | null;
  /** For a new campaign: the trigger it starts with. */
  trigger: string | null;
  answer: CampaignsAnswer | undefined;
  submitting: boolean;
  submit: (form: FormData) => void;
  onDone: () => void;
}) {
  const { page, answer } = props;
  const triggerOf = (value: string | null) =>
    page.triggers.find((t) => t.value === value) ?? page.triggers[0]!;
  const [form, setForm] = useState(() => toForm(props.campaign, triggerOf(props.trigger)));
  const [settings, setSettings] = useState<Record<string, string>>(() => props.campaign?.settings ?? {});
  // A new campaign whose copy is still the default follows the trigger chosen.
  const chooseTrigger = (value: string) => {
    const before = triggerOf(form.trigger).copy;
    const untouched = !form.id && form.subject === before.subject && form.body === before.body;
    const next = triggerOf(value);
    setForm(untouched ? { ...fresh(next), enabled: form.enabled } : { ...form, trigger: value });
  };
  const [testTo, setTestTo] = useState("");
  const [testPhone, setTestPhone] = useState("");
  const set = (name: keyof typeof form) => (value: string | boolean) => setForm({ ...form, [name]: value });
  // Typing in the copy makes it the merchant's own.
  const edit = (name: "subject" | "body") => (value: string) =>
    setForm({ ...form, [name]: value, writtenBy: "hand" });
  const written = WRITTEN_BY[form.writtenBy] ?? WRITTEN_BY.hand!;
  const errors = answer && !answer.ok ? answer.fieldErrors : {};
  const inbox = form.channel === "inbox";
  const sms = form.channel === "sms";
  const values = sampleValues(page.shopName);
  const transactional = page.triggers.find((t) => t.value === form.trigger)?.transactional ?? false;
  const post = (intent: "save-campaign" | "test-send" | "test-sms") => {
    const data = new FormData();
    data.set("intent", intent);
    for (const [k, v] of Object.entries(form)) data.set(k, String(v));
    for (const [k, v] of Object.entries(settings)) data.set(`settings.${k}`, v);
    data.set("testTo", testTo);
    data.set("testPhone", testPhone);
    props.submit(data);
  };
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {form.id ? `Edit “${props.campaign?.name}”` : "New campaign"}
        </Text>
        <InlineStack gap="600" align="start" blockAlign="start" wrap={false}>
          <Box width="55%">
            <FormLayout>
              <TextField
                label="Name"
                value={form.name}
                onChange={set("name")}
                error={errors.name}
                autoComplete="off"
              />
              <Select
                label="Sent when"
                options={page.triggers.map((t) => ({
                  value: t.value,
                  label: t.transactional ? `${t.label} (transactional)` : t.label,
                }))}
                value={form.trigger}
                onChange={chooseTrigger}
                error={errors.trigger}
              />
              <Select
                label="Channel"
                options={[
                  { value: "email", label: "Email" },
                  { value: "sms", label: "SMS" },
                  { value: "inbox", label: "Widget inbox (members see it in the storefront widget)" },
                  { value: "best", label: "Each member's best channel" },
                ]}
                value={form.channel}
                onChange={(channel) => setForm({ ...form, channel, inboxFallback: false })}
                error={errors.channel}
                helpText={
                  form.channel === "best"
                    ? "The channel each member answers most, among those they consented to and the shop can send (email, the widget inbox, and SMS when the campaign has an SMS text)."
                    : undefined
                }
              />
              {form.channel !== "email" ? null : (
                <Checkbox
                  label="Also show in the widget inbox for members we can't email"
                  checked={form.inboxFallback}
                  onChange={set("inboxFallback")}
                  error={errors.inboxFallback}
                  helpText="No address, no email marketing consent, or unsubscribed: they read it when logged in on your store."
                />
              )}
              {sms || form.channel === "best" ? (
                <TextField
                  label="SMS text"
                  value={form.smsBody}
                  onChange={set("smsBody")}
                  error={errors.smsBody}
                  multiline={4}
                  autoComplete="off"
                  helpText={`Variables: ${TEMPLATE_VARIABLE_NAMES.map((n) => `{${n}}`).join(" ")}. Marketing texts end with “Reply STOP to opt out.”; at most ${SMS_LIMITS.maxSegments} segments.${sms ? "" : " Without it, members are not texted."}`}
                />
              ) : null}
              {sms ? null : (
                <>
                  <AiWriter
                    writer={page.writer}
                    trigger={form.trigger}
                    brief={form.brief}
                    onBrief={set("brief")}
                    onUse={(variant, writtenBy) => setForm({ ...form, ...variant, writtenBy })}
                  />
                  <InlineStack gap="200" blockAlign="center">
                    <Badge tone={written.tone}>{written.label}</Badge>
                  </InlineStack>
                  <TextField
                    label={inbox ? "Title" : "Subject"}
                    value={form.subject}
                    onChange={edit("subject")}
                    error={errors.subject}
                    autoComplete="off"
                  />
                  <TextField
                    label="Message"
                    value={form.body}
                    onChange={edit("body")}
                    error={errors.body}
                    multiline={6}
                    autoComplete="off"
                    helpText={`Variables: ${TEMPLATE_VARIABLE_NAMES.map((n) => `{${n}}`).join(" ")}. A blank line starts a paragraph.`}
                  />
                  {inbox || form.inboxFallback ? (
                    <FormLayout.Group condensed>
                      <TextField
                        label="Inbox button label (optional)"
                        value={form.ctaLabel}
                        onChange={set("ctaLabel")}
                        error={errors.ctaLabel}
                        autoComplete="off"
                      />
                      <TextField
                        label="Button link"
                        value={form.ctaUrl}
                        onChange={set("ctaUrl")}
                        error={errors.ctaUrl}
                        placeholder="/collections/all"
                        autoComplete="off"
                      />
                    </FormLayout.Group>
                  ) : null}
                </>
              )}
              <TriggerSettingsFields
                trigger={form.trigger}
                page={page}
                values={settings}
                onChange={setSettings}
                errors={errors}
              />
              <FormLayout.Group condensed>
                <TextField
                  label="At most (messages)"
                  type="number"
                  value={form.frequencyCapCount}
                  onChange={set("frequencyCapCount")}
                  error={errors.frequencyCapCount}
                  autoComplete="off"
                />
                <TextField
                  label="per (hours)"
                  type="number"
                  value={form.frequencyCapHours}
                  onChange={set("frequencyCapHours")}
                  error={errors.frequencyCapHours}
                  autoComplete="off"
                />
              </FormLayout.Group>
              <FormLayout.Group condensed>
                <TextField
                  label={`Quiet from (hour, ${page.timeZone})`}
                  helpText={inbox ? "Not for the inbox: members read it when they visit." : undefined}
                  type="number"
                  value={form.quietStartHour}
                  onChange={set("quietStartHour")}
                  error={errors.quietStartHour}
                  autoComplete="off"
                />
                <TextField
                  label="until (hour)"
                  type="number"
                  value={form.quietEndHour}
                  onChange={set("quietEndHour")}
                  error={errors.quietEndHour}
                  autoComplete="off"
                />
              </FormLayout.Group>
              <Select
                label="Send time"
                options={[
                  { value: "immediate", label: "As soon as it is triggered" },
                  { value: "bestHour", label: "At each member's best hour (within 24 h)" },
                ]}
                value={form.sendTime}
                onChange={set("sendTime")}
                error={errors.sendTime}
                helpText={
                  form.sendTime === "bestHour" ? bestHourHelp(page.bestHours, page.timeZone) : undefined
                }
              />
              <Checkbox
                label="Personalise per member at send time"
                checked={form.personalize}
                onChange={set("personalize")}
                helpText="Adds a line written for each member's tier, reward and favourite category (cached per group of similar members; the template engine's line when OpenAI is unavailable)."
              />
              <Checkbox
                label="On"
                checked={form.enabled}
                onChange={set("enabled")}
                helpText={
                  ["birthday", "tierDowngradeWarning", "winBack", "almostThere"].includes(form.trigger)
                    ? "Checked every 15 minutes once on."
                    : "Only events after switching on send."
                }
              />
              <InlineStack gap="200">
                <Button variant="primary" onClick={() => post("save-campaign")} loading={props.submitting}>
                  Save
                </Button>
                <Button onClick={props.onDone}>Close</Button>
              </InlineStack>
            </FormLayout>
          </Box>
          <Box width="45%">
            <BlockStack gap="200">
              {sms ? (
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm">
                    Preview
                  </Text>
                  <SmsPreview template={form.smsBody} values={values} transactional={transactional} />
                  <TextField
                    label="Send a test text to"
                    type="tel"
                    value={testPhone}
                    onChange={setTestPhone}
                    error={errors.testPhone}
                    placeholder="+15550102030"
                    helpText="Sent through your Twilio account as the sample member's text; not counted as a send."
                    autoComplete="tel"
                    connectedRight={
                      <Button onClick={() => post("test-sms")} disabled={props.submitting}>
                        Send test text
                      </Button>
                    }
                  />
                </BlockStack>
              ) : (
                <MessagePreview
                  shopName={page.shopName}
                  subject={form.subject}
                  body={form.body}
                  inbox={inbox ? { ctaLabel: form.ctaLabel, ctaUrl: form.ctaUrl } : null}
                />
              )}
              {inbox || sms ? null : (
                <TextField
                  label="Send a test to"
                  type="email"
                  value={testTo}
                  onChange={setTestTo}
                  error={errors.testTo}
                  autoComplete="email"
                  connectedRight={
                    <Button onClick={() => post("test-send")} disabled={props.submitting}>
                      Send test
                    </Button>
                  }
                />
              )}
            </BlockStack>
          </Box>
        </InlineStack>
        {sms || inbox ? null : (
          <EmailPreview subject={form.subject} body={form.body} personalize={form.personalize} />
        )}
      </BlockStack>
    </Card>
  );
}

/** The SMS as the member's phone shows it, with what it costs: characters, segments, encoding. */
export function SmsPreview(props: { template: string; values: TemplateValues; transactional: boolean }) {
  if (!props.template.trim())
    return (
      <Text as="p" tone="critical">
        Write the SMS text.
      </Text>
    );
  const problem = templateProblem(props.template);
  if (problem)
    return (
      <Text as="p" tone="critical">
        {problem}
      </Text>
    );
  const content = smsContent(props.template, props.values, { transactional: props.transactional });
  const tooBig = smsSizeProblem(content.size);
  const { characters, segments, encoding } = content.size;
  return (
    <BlockStack gap="200">
      <Box padding="300" background="bg-surface-secondary" borderRadius="300" maxWidth="320px">
        <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="sms-preview">
          <Text as="p">{content.body}</Text>
        </div>
      </Box>
      <Text as="p" tone={tooBig ? "critical" : "subdued"} variant="bodySm">
        {tooBig ??
          `${characters} characters · ${segments} segment${segments === 1 ? "" : "s"} (${encoding === "GSM-7" ? "GSM-7" : "Unicode, UCS-2"})`}
      </Text>
    </BlockStack>
  );
}
