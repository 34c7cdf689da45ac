import {
  Banner,
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { sampleValues } from "~/campaigns/template";
import { SmsPreview } from "./CampaignEditor";
import type { CampaignsAnswer, CampaignsPage } from "./page.server";
import { TEST_FORM_VARIANTS } from "./test-form";

// "Measure against control": hold out a share of the campaign's audience and compare message
// variants, each with its own channel, subject and body (or SMS text, with its characters and
// segments), send time and optional bonus points. Saving starts the campaign's experiment;
// once a member has been measured its arms are fixed (409).

type Campaign = CampaignsPage["campaigns"][number];

const SEND_TIMES = [
  { label: "As the campaign", value: "campaign" },
  { label: "Each member's best hour", value: "memberBestHour" },
  { label: "A fixed hour (shop time)", value: "fixedHour" },
];

const CHANNELS = [
  { label: "Email", value: "email" },
  { label: "SMS", value: "sms" },
  { label: "Widget inbox", value: "inbox" },
  { label: "Each member's best channel", value: "best" },
];

type VariantForm = {
  name: string;
  weight: string;
  channel: string;
  subject: string;
  body: string;
  smsBody: string;
  sendTime: string;
  hour: string;
  offerPoints: string;
};

const blank = (c: Campaign, i: number): VariantForm => ({
  name: i === 0 ? "Current message" : "",
  weight: i === 0 ? "45" : "45",
  channel: CHANNELS.some((ch) => ch.value === c.channel) ? c.channel : "email",
  subject: i === 0 ? c.subject : "",
  body: i === 0 ? c.body : "",
  smsBody: i === 0 ? (c.smsBody ?? "") : "",
  sendTime: "campaign",
  hour: "10",
  offerPoints: "",
});

export function CampaignTestCard(props: {
  campaign: Campaign;
  shopName: string;
  timeZone: string;
  answer: CampaignsAnswer | undefined;
  submitting: boolean;
  submit: (form: FormData) => void;
}) {
  const { campaign: c, answer } = props;
  const [open, setOpen] = useState(false);
  const [holdout, setHoldout] = useState("10");
  const [variants, setVariants] = useState(() =>
    Array.from({ length: TEST_FORM_VARIANTS }, (_, i) => blank(c, i)),
  );
  const errors = answer && !answer.ok ? answer.fieldErrors : {};
  const values = sampleValues(props.shopName);
  const set = (i: number, field: keyof VariantForm) => (value: string) =>
    setVariants((all) => all.map((v, j) => (j === i ? { ...v, [field]: value } : v)));
  const save = () => {
    const form = new FormData();
    form.set("intent", "set-test");
    form.set("id", c.id);
    form.set("holdoutPercent", holdout);
    variants.forEach((v, i) => {
      for (const [k, value] of Object.entries(v)) form.set(`variants.${i}.${k}`, value);
    });
    props.submit(form);
  };
  return (
    <Card>
      <BlockStack gap="400">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            Measure against control
          </Text>
          <Text as="p" tone="subdued">
            Members are split for good by the experiments&apos; hash: the holdout is sent nothing, each
            variant its own message, on its own channel if you like. The report compares orders and net margin
            against the holdout, not last clicks. A member an arm&apos;s channel cannot reach (no SMS consent,
            say) is sent nothing and still counted in that arm, so each channel is judged on everyone it was
            given.
          </Text>
        </BlockStack>
        {answer && !answer.ok && <Banner tone="critical">{answer.error}</Banner>}
        {answer?.ok && "saved" in answer && answer.saved === "test" && (
          <Banner tone="success">The test runs from the next message.</Banner>
        )}
        {c.measured && (
          <Text as="p">
            This campaign is measured.{" "}
            <Button variant="plain" url={`/app/campaigns/${c.id}/report`}>
              Open the report
            </Button>
          </Text>
        )}
        {open ? (
          <>
            <FormLayout>
              <TextField
                label="Holdout (% of the audience sent nothing)"
                type="number"
                autoComplete="off"
                value={holdout}
                onChange={setHoldout}
                error={errors.holdoutPercent}
                helpText="0 compares the variants with each other only."
              />
              {errors.variants && (
                <Text as="p" tone="critical">
                  {errors.variants}
                </Text>
              )}
              {variants.map((v, i) => {
                const err = (f: string) => errors[`variants.${i}.${f}`];
                return (
                  <BlockStack key={i} gap="200">
                    <Text as="h3" variant="headingSm">
                      Variant {String.fromCharCode(65 + i)}
                      {i > 0 ? " (leave empty for one variant)" : ""}
                    </Text>
                    <InlineStack gap="300" wrap={false}>
                      <div style={{ flex: 2 }}>
                        <TextField
                          label="Name"
                          autoComplete="off"
                          value={v.name}
                          onChange={set(i, "name")}
                          error={err("name")}
                        />
                      </div>
                      <div style={{ flex: 1 }}>
                        <TextField
                          label="Share (%)"
                          type="number"
                          autoComplete="off"
                          value={v.weight}
                          onChange={set(i, "weight")}
                          error={err("weight")}
                        />
                      </div>
                    </InlineStack>
                    <Select
                      label="Channel"
                      options={CHANNELS}
                      value={v.channel}
                      onChange={set(i, "channel")}
                      error={err("channel")}
                    />
                    {v.channel !== "sms" && (
                      <>
                        <TextField
                          label="Subject"
                          autoComplete="off"
                          value={v.subject}
                          onChange={set(i, "subject")}
                          error={err("subject")}
                        />
                        <TextField
                          label="Message"
                          multiline={4}
                          autoComplete="off"
                          value={v.body}
                          onChange={set(i, "body")}
                          error={err("body")}
                        />
                      </>
                    )}
                    {(v.channel === "sms" || v.channel === "best") && (
                      <>
                        <TextField
                          label={
                            v.channel === "sms" ? "SMS text" : "SMS text (optional: without it, not texted)"
                          }
                          multiline={3}
                          autoComplete="off"
                          value={v.smsBody}
                          onChange={set(i, "smsBody")}
                          error={err("smsBody")}
                        />
                        {(v.channel === "sms" || v.smsBody.trim()) && (
                          <SmsPreview template={v.smsBody} values={values} transactional={false} />
                        )}
                      </>
                    )}
                    <InlineStack gap="300" wrap={false}>
                      <div style={{ flex: 2 }}>
                        <Select
                          label="Send time"
                          options={SEND_TIMES}
                          value={v.sendTime}
                          onChange={set(i, "sendTime")}
                        />
                      </div>
                      {v.sendTime === "fixedHour" && (
                        <div style={{ flex: 1 }}>
                          <TextField
                            label={`Hour (${props.timeZone})`}
                            type="number"
                            autoComplete="off"
                            value={v.hour}
                            onChange={set(i, "hour")}
                            error={err("sendTime.hour")}
                          />
                        </div>
                      )}
                      <div style={{ flex: 1 }}>
                        <TextField
                          label="Bonus points (optional)"
                          type="number"
                          autoComplete="off"
                          value={v.offerPoints}
                          onChange={set(i, "offerPoints")}
                          error={err("offer.points")}
                        />
                      </div>
                    </InlineStack>
                  </BlockStack>
                );
              })}
            </FormLayout>
            <InlineStack>
              <Button variant="primary" onClick={save} loading={props.submitting}>
                Start the test
              </Button>
            </InlineStack>
          </>
        ) : (
          <InlineStack>
            <Button onClick={() => setOpen(true)}>Set up a test</Button>
          </InlineStack>
        )}
      </BlockStack>
    </Card>
  );
}
