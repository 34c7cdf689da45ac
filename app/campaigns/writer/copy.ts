import { z } from "zod";
import { templateProblem, TEMPLATE_VARIABLES, TEMPLATE_VARIABLE_NAMES } from "../template";

// The rules every piece of written copy must pass before anyone sees or receives it,
// whoever wrote it: non-empty, within the length budget, only the closed template
// variables (template.ts), and no links or markup (the email's HTML is ours, built by
// content.ts). The model's answer is parsed by the zod schemas below (structured output)
// and then checked here; copy that fails is never shown as the model's, never sent.

export const SUBJECT_MAX = 80;
export const BODY_MIN = 20;
export const BODY_MAX = 1200;
export const LINE_MAX = 200;
export const VARIANT_COUNT = 3;

export const TONES = ["friendly", "formal", "playful"] as const;
export type Tone = (typeof TONES)[number];
export const isTone = (value: string): value is Tone => (TONES as readonly string[]).includes(value);

export type BrandVoice = { tone: Tone; description: string };

/** Who wrote a campaign's copy: the OpenAI writer, the template engine, or the merchant. */
export type WrittenBy = "openai" | "template" | "hand";

export type CopyVariant = { subject: string; body: string };

/** The model's answer: exactly `count` variants (string lengths are checked after, as strict mode ignores them). */
export const variantsAnswer = (count: number) =>
  z.object({
    variants: z
      .array(
        z.object({
          subject: z.string().describe(`The subject line, at most ${SUBJECT_MAX} characters.`),
          body: z
            .string()
            .describe(`The message; paragraphs separated by a blank line; at most ${BODY_MAX} characters.`),
        }),
      )
      .length(count),
  });

export const lineAnswer = z.object({
  line: z.string().describe(`One or two sentences, at most ${LINE_MAX} characters.`),
});

const LINK = /(https?:\/\/|www\.)\S+/i;
const MARKUP = /<\/?[a-z][^>]*>/i;

function textProblem(text: string, what: string, min: number, max: number): string | null {
  const trimmed = text.trim();
  if (trimmed.length < min) return min <= 1 ? `The ${what} is empty.` : `The ${what} is too short.`;
  if (trimmed.length > max) return `The ${what} is ${trimmed.length} characters (at most ${max}).`;
  const variables = templateProblem(trimmed);
  if (variables) return `The ${what}: ${variables}`;
  if (LINK.test(trimmed)) return `The ${what} contains a link.`;
  if (MARKUP.test(trimmed)) return `The ${what} contains HTML.`;
  return null;
}

/** Why a subject and body may not be used, or null. */
export function variantProblem(variant: CopyVariant): string | null {
  const subject = textProblem(variant.subject, "subject", 1, SUBJECT_MAX);
  if (subject) return subject;
  if (/\n/.test(variant.subject.trim())) return "The subject has a line break.";
  return textProblem(variant.body, "message", BODY_MIN, BODY_MAX);
}

/** Why a personal line may not be used, or null. */
export function lineProblem(line: string): string | null {
  const problem = textProblem(line, "personal line", 1, LINE_MAX);
  if (problem) return problem;
  return /\n/.test(line.trim()) ? "The personal line has a line break." : null;
}

/** The variables as the model is told about them. */
export const variableGuide = () =>
  TEMPLATE_VARIABLE_NAMES.map((name) => `{${name}}: ${TEMPLATE_VARIABLES[name]}`).join("\n");

/** Copy as stored: trimmed, paragraphs separated by exactly one blank line. */
export const tidy = (variant: CopyVariant): CopyVariant => ({
  subject: variant.subject.replace(/\s+/g, " ").trim(),
  body: variant.body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .join("\n\n"),
});
