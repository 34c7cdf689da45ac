import { renderTemplate, type TemplateValues } from "./template";

// The pure rules of an SMS: which numbers are valid (E.164), how many segments a text
// costs (GSM-7 or UCS-2, as carriers count them), which inbound words opt a number out or
// back in, and the text a member receives.

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** The number as E.164 when it can be read as one (spaces, dashes, dots and brackets dropped); null otherwise. */
export function e164(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const trimmed = phone.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const compact = trimmed.replace(/[\s().-]/g, "");
  return E164.test(compact) ? compact : null;
}

// GSM 03.38: the default alphabet (one septet each) and the extension table (escape + one).
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

export const SMS_LIMITS = { maxSegments: 10, maxCharacters: 1600 } as const;

export type SmsSize = {
  encoding: "GSM-7" | "UCS-2";
  /** Characters as a person counts them (code points). */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) on the wire. */
  units: number;
  segments: number;
};

/**
 * The segments a text is sent in. One segment holds 160 GSM-7 septets or 70 UCS-2 units;
 * a concatenated message loses room to its header: 153 septets or 67 units per part, and an
 * escape pair or a surrogate pair never splits across parts.
 */
export function smsSize(text: string): SmsSize {
  const chars = Array.from(text);
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENDED.has(c));
  const widths = chars.map((c) => (gsm ? (GSM_EXTENDED.has(c) ? 2 : 1) : c.length));
  const units = widths.reduce((a, b) => a + b, 0);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  let segments = units === 0 ? 0 : 1;
  if (units > single) {
    segments = 1;
    let used = 0;
    for (const width of widths) {
      if (used + width > part) {
        segments += 1;
        used = 0;
      }
      used += width;
    }
  }
  return { encoding: gsm ? "GSM-7" : "UCS-2", characters: chars.length, units, segments };
}

/** Why this text must not be sent, or null when it fits the limits. */
export function smsSizeProblem(size: SmsSize): string | null {
  if (size.segments > SMS_LIMITS.maxSegments || size.characters > SMS_LIMITS.maxCharacters)
    return `The SMS is ${size.segments} segments (${size.characters} characters, ${size.encoding}); at most ${SMS_LIMITS.maxSegments} segments and ${SMS_LIMITS.maxCharacters} characters.`;
  return null;
}

/** Marketing texts end with the opt-out line carriers expect; transactional ones need none. */
export const OPT_OUT_LINE = "Reply STOP to opt out.";

export type SmsContent = { body: string; size: SmsSize };

/** The text a member receives; throws TemplateError for an unknown variable (nothing is sent). */
export function smsContent(
  template: string,
  values: TemplateValues,
  options: { transactional: boolean },
  locale = "en",
): SmsContent {
  const text = renderTemplate(template, values, locale).trim();
  const body = options.transactional ? text : `${text}\n${OPT_OUT_LINE}`;
  return { body, size: smsSize(body) };
}

// The keywords carriers and Twilio treat as opt-out and opt-in (the whole message, any case).
const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]);
const OPT_IN = new Set(["START", "UNSTOP", "YES"]);

export function smsKeyword(body: string): "stop" | "start" | null {
  const word = body
    .trim()
    .toUpperCase()
    .replace(/[.!]+$/, "");
  if (OPT_OUT.has(word)) return "stop";
  if (OPT_IN.has(word)) return "start";
  return null;
}
