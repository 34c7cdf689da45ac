import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  Divider,
  FormLayout,
  InlineStack,
  Modal,
  Select,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { NO_CONDITIONS } from "~/admin/segments/AudienceBuilder";
import { ConditionFields } from "~/admin/segments/ConditionFields";
import { TEMPLATE_VARIABLE_NAMES } from "~/campaigns/template";
import { audienceQuery, type AudienceFields } from "~/intelligence/segments/audience";
import type { BroadcastAnswer } from "./broadcasts.server";
import { MessagePreview } from "./MessagePreview";
import type { CampaignsPage } from "./page.server";

// A new broadcast: the audience (a saved segment or the segment builder's conditions) with
// its live member count, the message with its preview, when (now, or a date and time on the
// shop's clock), and a confirmation naming the count. The server checks it all again (a count
// that moved since the confirmation is a 422 asking to confirm again).

const number = new Intl.NumberFormat("en-US");
const DEBOUNCE_MS = 300;

export function BroadcastFlow(props: { page: CampaignsPage; onDone: (scheduled: string) => void }) {
  const { page } = props;
  const counter = useFetcher<BroadcastAnswer>();
  const creator = useFetcher<BroadcastAnswer>();
  const [audienceKind, setAudienceKind] = useState(page.savedSegments.length ? "segment" : "conditions");
  const [segmentId, setSegmentId] = useState(page.savedSegments[0]?.id ?? "");
  const [conditions, setConditions] = useState<AudienceFields>(NO_CONDITIONS);
  const [message, setMessage] = useState({ name: "", subject: "", body: "" });
  const [when, setWhen] = useState("now");
  const [date, setDate] = useState("");
  const [time, setTime] = useState("09:00");
  const [confirming, setConfirming] = useState(false);
  // The last answer's errors are shown until the merchant changes something.
  const [edited, setEdited] = useState(false);
  const edit =
    <T,>(setter: (value: T) => void) =>
    (value: T) => {
      setEdited(true);
      setter(value);
    };

  const audience = {
    audienceKind,
    segmentId,
    conditions: audienceQuery(conditions),
  };
  const audienceKey = JSON.stringify(audience);
  const { submit: count } = counter;
  useEffect(() => {
    const timer = setTimeout(
      () => count({ intent: "count-broadcast", ...JSON.parse(audienceKey) }, { method: "post" }),
      DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [audienceKey, count]);

  useEffect(() => {
    document.querySelector("[data-broadcast-flow]")?.scrollIntoView({ behavior: "smooth" });
  }, []);

  const counted = counter.data && "count" in counter.data ? counter.data.count : null;
  const created = edited ? undefined : creator.data;
  const { onDone } = props;
  useEffect(() => {
    if (creator.state === "idle" && created?.ok && "scheduled" in created) onDone(created.scheduled);
  }, [creator.state, created, onDone]);
  useEffect(() => {
    if (created && !created.ok) setConfirming(false);
  }, [created]);

  const errors = {
    ...(counter.data && !counter.data.ok ? counter.data.fieldErrors : {}),
    ...(created && !created.ok ? created.fieldErrors : {}),
  };
  const setField = (name: keyof typeof message) => (value: string) =>
    setMessage({ ...message, [name]: value });
  const send = () => {
    setEdited(false);
    creator.submit(
      {
        intent: "create-broadcast",
        ...audience,
        ...message,
        when: when === "now" ? "now" : "later",
        date,
        time,
        confirmedCount: String(counted ?? ""),
      },
      { method: "post" },
    );
  };
  const whenText = when === "now" ? "now" : `on ${date || "…"} at ${time} (${page.timeZone})`;
  const segmentName = page.savedSegments.find((s) => s.id === segmentId)?.name;

  return (
    <div data-broadcast-flow>
      <Card>
        <BlockStack gap="500">
          <Text as="h2" variant="headingMd">
            New broadcast
          </Text>
          {created && !created.ok ? <Banner tone="critical">{created.error}</Banner> : null}

          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center">
              <Text as="h3" variant="headingSm">
                1. Audience
              </Text>
              <InlineStack gap="200" blockAlign="center">
                {counter.state !== "idle" ? <Spinner size="small" /> : null}
                <Text as="span" variant="headingSm" numeric>
                  <span data-broadcast-count>
                    {counted !== null
                      ? `${number.format(counted)} member${counted === 1 ? "" : "s"}`
                      : counter.data && !counter.data.ok
                        ? counter.data.error
                        : ""}
                  </span>
                </Text>
              </InlineStack>
            </InlineStack>
            <ChoiceList
              title="Send to"
              titleHidden
              choices={[
                { label: "A saved segment", value: "segment", disabled: !page.savedSegments.length },
                { label: "Members matching conditions", value: "conditions" },
              ]}
              selected={[audienceKind]}
              onChange={edit(([value]: string[]) => setAudienceKind(value ?? "conditions"))}
            />
            {audienceKind === "segment" ? (
              <Select
                label="Saved segment"
                options={page.savedSegments.map((s) => ({ label: s.name, value: s.id }))}
                value={segmentId}
                onChange={edit(setSegmentId)}
                error={errors["audience.segmentId"]}
                helpText="Segments are live: the members who match when the broadcast runs receive it."
              />
            ) : (
              <ConditionFields
                fields={conditions}
                onChange={edit(setConditions)}
                errors={errors}
                tiers={page.tiers}
                personas={page.personas}
                currency={page.currency}
              />
            )}
            {errors.audience ? (
              <Text as="p" tone="critical">
                {errors.audience}
              </Text>
            ) : null}
          </BlockStack>

          <Divider />
          <Text as="h3" variant="headingSm">
            2. Message
          </Text>
          <InlineStack gap="600" align="start" blockAlign="start" wrap={false}>
            <Box width="55%">
              <FormLayout>
                <TextField
                  label="Name"
                  value={message.name}
                  onChange={setField("name")}
                  error={errors.name}
                  helpText="For you; members do not see it."
                  autoComplete="off"
                />
                <TextField
                  label="Subject"
                  value={message.subject}
                  onChange={setField("subject")}
                  error={errors.subject}
                  autoComplete="off"
                />
                <TextField
                  label="Message"
                  value={message.body}
                  onChange={setField("body")}
                  error={errors.body}
                  multiline={6}
                  autoComplete="off"
                  helpText={`Variables: ${TEMPLATE_VARIABLE_NAMES.map((n) => `{${n}}`).join(" ")}. A blank line starts a paragraph.`}
                />
              </FormLayout>
            </Box>
            <Box width="45%">
              <MessagePreview shopName={page.shopName} subject={message.subject} body={message.body} />
            </Box>
          </InlineStack>

          <Divider />
          <Text as="h3" variant="headingSm">
            3. When
          </Text>
          <ChoiceList
            title="When"
            titleHidden
            choices={[
              { label: "Now", value: "now" },
              { label: `At a date and time (${page.timeZone})`, value: "later" },
            ]}
            selected={[when]}
            onChange={edit(([value]: string[]) => setWhen(value ?? "now"))}
          />
          {when === "later" ? (
            <FormLayout.Group condensed>
              <TextField
                label="Date"
                type="date"
                value={date}
                onChange={edit(setDate)}
                error={errors["schedule.date"]}
                autoComplete="off"
              />
              <TextField
                label={`Time (${page.timeZone})`}
                type="time"
                value={time}
                onChange={edit(setTime)}
                error={errors["schedule.time"]}
                autoComplete="off"
              />
            </FormLayout.Group>
          ) : null}
          <Text as="p" tone="subdued">
            Consent, the suppression list, the shop&apos;s cap per member and quiet hours apply as for every
            campaign.
          </Text>

          <InlineStack gap="200">
            <Button
              variant="primary"
              onClick={() => setConfirming(true)}
              disabled={!counted || counter.state !== "idle"}
            >
              Review and send
            </Button>
            <Button onClick={() => onDone("")}>Cancel</Button>
          </InlineStack>
          {counted === 0 ? (
            <Text as="p" tone="caution">
              No member matches this audience yet.
            </Text>
          ) : null}
        </BlockStack>
        <Modal
          open={confirming}
          onClose={() => setConfirming(false)}
          title="Send this broadcast?"
          primaryAction={{
            content: `${when === "now" ? "Send" : "Schedule"} to ${number.format(counted ?? 0)} members`,
            onAction: send,
            loading: creator.state !== "idle",
          }}
          secondaryActions={[{ content: "Back", onAction: () => setConfirming(false) }]}
        >
          <Modal.Section>
            <BlockStack gap="200">
              <Text as="p">
                “{message.name || "This broadcast"}” goes to{" "}
                <Text as="span" fontWeight="semibold">
                  {number.format(counted ?? 0)} members
                </Text>{" "}
                {audienceKind === "segment" && segmentName ? `of “${segmentName}” ` : ""}
                {whenText}.
              </Text>
              <Text as="p" tone="subdued">
                Members without marketing consent, unsubscribed addresses and members over the cap are
                skipped. A broadcast is sent once; you can cancel it until it has finished.
              </Text>
            </BlockStack>
          </Modal.Section>
        </Modal>
      </Card>
    </div>
  );
}
