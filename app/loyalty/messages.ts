import type { Program } from "./program";
import type { MESSAGE_KINDS, MessageKind } from "./program-messages";

// A member's message rendered from their program (`memberProgram*`, so an experiment on
// the messages lever changes what its variant's members receive). Plain text: the sender
// escapes it for HTML.

type Placeholders<K extends MessageKind> = (typeof MESSAGE_KINDS)[K]["placeholders"][number];

type ValueOf = {
  firstName: string | null | undefined;
  shopName: string;
  points: number;
  balance: number;
  rewardName: string;
  tierName: string;
  /** Formatted as a long date in `timeZone`. */
  expiresOn: Date;
};

/** What the sender of a `K` message fills in: every placeholder the kind allows; the first name may be unknown. */
export type MessageValues<K extends MessageKind> = {
  [P in Exclude<Placeholders<K>, "firstName">]: ValueOf[P];
} & {
  firstName?: string | null;
};

export interface RenderOptions {
  /** BCP 47 locale for numbers and dates (default "en"). */
  locale?: string;
  /** The shop's time zone, for dates (default UTC). */
  timeZone?: string;
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

/** Greets by name when the shop knows it: "Hi there" otherwise. */
const NO_NAME = "there";

function format(name: string, value: unknown, options: RenderOptions): string {
  const locale = options.locale ?? "en";
  if (name === "firstName") return typeof value === "string" && value.trim() ? value.trim() : NO_NAME;
  if (value === undefined || value === null) throw new Error(`The message needs {${name}}`);
  if (typeof value === "number") return new Intl.NumberFormat(locale).format(value);
  if (value instanceof Date)
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: options.timeZone ?? "UTC" }).format(
      value,
    );
  return String(value);
}

function fill(template: string, values: Record<string, unknown>, options: RenderOptions): string {
  return template.replace(/\{([^{}]*)\}/g, (_, name: string) => format(name, values[name], options));
}

/**
 * The subject and body of a `kind` message under `program` (the member's program), with
 * `values` in place of its placeholders. The program schema allows only the kind's own
 * placeholders, so every one has its value.
 */
export function renderMessage<K extends MessageKind>(
  program: Pick<Program, "messages">,
  kind: K,
  values: MessageValues<K>,
  options: RenderOptions = {},
): RenderedMessage {
  const template = program.messages[kind];
  const all = values as Record<string, unknown>;
  return { subject: fill(template.subject, all, options), body: fill(template.body, all, options) };
}
