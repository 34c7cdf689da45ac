import { z } from "zod";
import {
  cellReader,
  detect,
  EMAIL,
  parseDate,
  shopifyIdOf,
  type Detected,
  type FormatSpec,
  type ParsedFile,
  type RowIssue,
} from "./table";

// Email and SMS engagement (sends, opens, clicks, unsubscribes) per recipient, until the
// campaigns produce their own. Two shapes:
// - Klaviyo: its events (the metric export and the Events API's JSON:API objects) name
//   what happened by metric — "Received Email", "Opened Email", "Clicked Email",
//   "Unsubscribed" / "Unsubscribed from Email Marketing", "Received SMS", "Clicked SMS",
//   "Unsubscribed from SMS" — with the profile's email or phone number, the campaign
//   ($message / Campaign Name) and a timestamp (Unix seconds) or datetime.
// - Generic: id, email or phone, channel (email|sms), type (send|open|click|unsubscribe),
//   campaign, timestamp.

export const ENGAGEMENT_FORMATS = ["klaviyo", "generic"] as const;
export type EngagementFormat = (typeof ENGAGEMENT_FORMATS)[number];
export const ENGAGEMENT_FORMAT_NAMES: Record<EngagementFormat, string> = {
  klaviyo: "Klaviyo events",
  generic: "Generic events",
};

const FIELDS = [
  "externalId",
  "customerId",
  "email",
  "phone",
  "channel",
  "type",
  "metric",
  "campaign",
  "timestamp",
] as const;
export type EngagementField = (typeof FIELDS)[number];

export const ENGAGEMENT_SPEC: FormatSpec<EngagementField, EngagementFormat> = {
  fields: FIELDS,
  generic: "generic",
  layouts: {
    generic: {
      externalId: ["id", "event_id"],
      customerId: ["customer_id"],
      email: ["email", "recipient_email"],
      phone: ["phone", "phone_number", "recipient_phone"],
      channel: ["channel"],
      type: ["type", "event", "event_type"],
      metric: [],
      campaign: ["campaign", "campaign_name", "campaign_id"],
      timestamp: ["timestamp", "occurred_at", "date", "datetime"],
    },
    klaviyo: {
      externalId: ["Event ID", "id", "event_id"],
      customerId: ["Shopify Customer ID", "$shopify_customer_id", "external_id"],
      email: ["Email", "$email", "attributes.profile.email", "profile.email"],
      phone: ["Phone Number", "$phone_number", "attributes.profile.phone_number"],
      channel: [],
      type: [],
      metric: [
        "Metric",
        "Metric Name",
        "Event",
        "metric.name",
        "attributes.metric.name",
        "relationships.metric.name",
      ],
      campaign: [
        "Campaign Name",
        "$message",
        "attributes.event_properties.$message",
        "Message Name",
        "campaign",
      ],
      timestamp: ["Timestamp", "attributes.timestamp", "Datetime", "attributes.datetime", "datetime"],
    },
  },
  signatures: {
    klaviyo: [
      "metric",
      "metric name",
      "$message",
      "$email",
      "attributes.timestamp",
      "attributes.datetime",
      "metric.name",
      "attributes.metric.name",
      "campaign name",
      "phone number",
    ],
  },
};

const METRICS: Record<string, { channel: "email" | "sms"; type: EngagementType }> = {
  "received email": { channel: "email", type: "send" },
  "opened email": { channel: "email", type: "open" },
  "clicked email": { channel: "email", type: "click" },
  unsubscribed: { channel: "email", type: "unsubscribe" },
  "unsubscribed from email marketing": { channel: "email", type: "unsubscribe" },
  "received sms": { channel: "sms", type: "send" },
  "clicked sms": { channel: "sms", type: "click" },
  "unsubscribed from sms": { channel: "sms", type: "unsubscribe" },
  "unsubscribed from sms marketing": { channel: "sms", type: "unsubscribe" },
};

const TYPES = ["send", "open", "click", "unsubscribe"] as const;
type EngagementType = (typeof TYPES)[number];
const TYPE_WORDS: Record<string, EngagementType> = {
  send: "send",
  sent: "send",
  received: "send",
  delivered: "send",
  open: "open",
  opened: "open",
  click: "click",
  clicked: "click",
  unsubscribe: "unsubscribe",
  unsubscribed: "unsubscribe",
};

const PHONE = /^\+?[0-9 ().-]{7,20}$/;

export const engagementSchema = z.object({
  line: z.number().int(),
  externalId: z.string().max(200).nullable(),
  customerId: z.bigint().nullable(),
  channel: z.enum(["email", "sms"]),
  type: z.enum(TYPES),
  recipient: z.string().max(320).nullable(),
  campaign: z.string().max(255, "is longer than 255 characters").nullable(),
  occurredAt: z.date(),
});
export type EngagementRow = z.infer<typeof engagementSchema>;

export interface ReadEngagement {
  detected: Detected<EngagementField, EngagementFormat>;
  rows: EngagementRow[];
  issues: RowIssue[];
}

export function readEngagement(table: ParsedFile): ReadEngagement {
  const detected = detect(ENGAGEMENT_SPEC, table.headers);
  const rows: EngagementRow[] = [];
  const issues: RowIssue[] = [];
  for (const { line, cells } of table.rows) {
    const cell = cellReader(detected.columns, cells);
    const errors: RowIssue[] = [];
    const error = (field: EngagementField | null, message: string) =>
      errors.push({ row: line, field, kind: "error", message });

    let channel: "email" | "sms" | null = null;
    let type: EngagementType | null = null;
    if (detected.format === "klaviyo") {
      const metric = METRICS[cell("metric").toLowerCase()];
      if (!cell("metric")) error("metric", "No metric (e.g. Received Email, Opened Email, Clicked SMS).");
      else if (!metric)
        error("metric", `Metric "${cell("metric")}" is not a send, open, click or unsubscribe.`);
      else ({ channel, type } = metric);
    } else {
      const c = cell("channel").toLowerCase();
      if (c === "email" || c === "sms") channel = c;
      else if (!c) channel = cell("email") ? "email" : cell("phone") ? "sms" : null;
      if (!channel) error("channel", c ? `Channel "${cell("channel")}" is not email or sms.` : "No channel.");
      type = TYPE_WORDS[cell("type").toLowerCase()] ?? null;
      if (!type)
        error(
          "type",
          cell("type") ? `Type "${cell("type")}" is not send, open, click or unsubscribe.` : "No type.",
        );
    }
    const email = cell("email").toLowerCase();
    const phone = cell("phone");
    if (email && !EMAIL.test(email)) error("email", `"${cell("email")}" is not an email address.`);
    if (phone && !PHONE.test(phone)) error("phone", `"${phone}" is not a phone number.`);
    const customerId = cell("customerId") ? shopifyIdOf(cell("customerId")) : null;
    if (cell("customerId") && customerId === null)
      error("customerId", `Customer id "${cell("customerId")}" is not a Shopify id.`);
    const recipient = channel === "sms" ? phone || email || null : email || phone || null;
    if (!recipient && customerId === null) error("email", "No recipient (email, phone or customer id).");
    const occurredAt = parseDate(cell("timestamp"));
    if (!cell("timestamp")) error("timestamp", "No timestamp.");
    else if (!occurredAt) error("timestamp", `Timestamp "${cell("timestamp")}" is not a date or Unix time.`);
    if (errors.length === 0) {
      const parsed = engagementSchema.safeParse({
        line,
        externalId: cell("externalId") || null,
        customerId,
        channel,
        type,
        recipient: channel === "sms" ? normalisePhone(recipient!) : recipient,
        campaign: cell("campaign") || null,
        occurredAt,
      });
      if (parsed.success) rows.push(parsed.data);
      else
        for (const issue of parsed.error.issues)
          error(String(issue.path[0]) as EngagementField, `${String(issue.path[0])} ${issue.message}.`);
    }
    issues.push(...errors);
  }
  return { detected, rows, issues };
}

/** A phone number as digits with its +, so "+1 (555) 010-2233" and "+15550102233" are one recipient. */
export function normalisePhone(text: string): string {
  if (text.includes("@")) return text;
  const digits = text.replace(/[^\d]/g, "");
  return text.trim().startsWith("+") ? `+${digits}` : digits;
}

export function engagementIdentity(row: EngagementRow): string {
  return [
    row.channel,
    row.type,
    row.customerId?.toString() ?? "",
    row.recipient ?? "",
    row.campaign ?? "",
    row.occurredAt.toISOString(),
  ].join("\u001f");
}
