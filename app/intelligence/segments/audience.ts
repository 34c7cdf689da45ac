import { z } from "zod";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { SEGMENTS } from "./segments";

// The segment builder's conditions. The page sends them in a query string (strings, money in
// major units, probabilities in percent); parsed, they are the `Audience` that
// audience.server.ts turns into SQL and that a saved segment stores (with a version). Every
// condition narrows: members in any of the chosen RFM segments, tiers, personas and tags,
// with a points balance, a 12-month CLV, a P(alive) and a churn risk in their ranges. An
// empty condition matches everyone; a member without a score (no CLV fit, no churn run)
// does not match a condition on it.

export const CONDITIONS_VERSION = 1;

const blank = (text: string) => text.trim() === "";

/** A whole number ≥ 0, or null for an empty field. */
const whole = (message: string) =>
  z.string().transform((text, ctx) => {
    if (blank(text)) return null;
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n < 0) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return n;
  });

/** A decimal ≥ 0 with at most `digits` decimals, scaled by `scale`; null when empty. */
const scaled = (scale: number, digits: number, max: number | null, message: string) =>
  z.string().transform((text, ctx) => {
    if (blank(text)) return null;
    const n = Number(text.trim());
    const decimals = text.trim().split(".")[1]?.length ?? 0;
    if (!Number.isFinite(n) || n < 0 || decimals > digits || (max !== null && n > max)) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return Math.round(n * scale * 1e6) / 1e6;
  });

const ordered = <T extends Record<string, unknown>>(min: keyof T, max: keyof T) => ({
  check: (a: T) => a[min] === null || a[max] === null || (a[min] as number) <= (a[max] as number),
  params: { message: "The minimum is above the maximum.", path: [max as string] },
});

/** What a stored condition set holds (numbers in the units the SQL compares). */
export const audienceShape = z.object({
  segments: z.array(z.enum(SEGMENTS, { error: "Unknown segment." })).max(SEGMENTS.length),
  tiers: z.array(z.string().min(1).max(100)).max(20),
  minPoints: z.int().min(0).nullable(),
  maxPoints: z.int().min(0).nullable(),
  tags: z.array(z.string().trim().min(1).max(255)).max(50),
  /** 12-month CLV in the shop currency's minor units. */
  minClvMinor: z.int().min(0).nullable(),
  maxClvMinor: z.int().min(0).nullable(),
  /** P(alive), 0–1. */
  minPAlive: z.number().min(0).max(1).nullable(),
  maxPAlive: z.number().min(0).max(1).nullable(),
  /** Churn risk at least this (0–1). */
  minChurnRisk: z.number().min(0).max(1).nullable(),
  atRiskOnly: z.boolean(),
  /** Personas by their key (the cluster's templated title, stable across runs: persona.ts). */
  personas: z.array(z.string().min(1).max(120)).max(20),
});

export type Audience = z.infer<typeof audienceShape>;

export const EVERYONE: Audience = {
  segments: [],
  tiers: [],
  minPoints: null,
  maxPoints: null,
  tags: [],
  minClvMinor: null,
  maxClvMinor: null,
  minPAlive: null,
  maxPAlive: null,
  minChurnRisk: null,
  atRiskOnly: false,
  personas: [],
};

/** The builder's fields as the page holds them: strings, money in major units, percents. */
export type AudienceFields = {
  segments: string[];
  tiers: string[];
  minPoints: string;
  maxPoints: string;
  /** Comma-separated. */
  tags: string;
  minClv: string;
  maxClv: string;
  minAlivePercent: string;
  maxAlivePercent: string;
  minRiskPercent: string;
  atRiskOnly: boolean;
  personas: string[];
};

function fieldsSchema(currency: string) {
  const perMajor = minorUnitsPerMajor(currency);
  const money = scaled(perMajor, Math.round(Math.log10(perMajor)), null, "Enter an amount of 0 or more.");
  const percent = scaled(0.01, 1, 100, "Enter a percent from 0 to 100.");
  const points = whole("Enter a whole number of points, 0 or more.");
  return z
    .object({
      segments: audienceShape.shape.segments,
      tiers: audienceShape.shape.tiers,
      minPoints: points,
      maxPoints: points,
      tags: audienceShape.shape.tags,
      minClvMinor: money,
      maxClvMinor: money,
      minPAlive: percent,
      maxPAlive: percent,
      minChurnRisk: percent,
      atRiskOnly: z.boolean(),
      personas: audienceShape.shape.personas,
    })
    .refine(
      ordered<Audience>("minPoints", "maxPoints").check,
      ordered<Audience>("minPoints", "maxPoints").params,
    )
    .refine(
      ordered<Audience>("minClvMinor", "maxClvMinor").check,
      ordered<Audience>("minClvMinor", "maxClvMinor").params,
    )
    .refine(
      ordered<Audience>("minPAlive", "maxPAlive").check,
      ordered<Audience>("minPAlive", "maxPAlive").params,
    );
}

const splitTags = (values: string[]) =>
  values
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter(Boolean);

/**
 * The conditions in a query string: repeated keys for lists, tags also comma-separated, money
 * in `currency`'s major units, probabilities in percent. Field errors use the Audience's keys.
 */
export function parseAudience(params: URLSearchParams, currency: string) {
  return fieldsSchema(currency).safeParse({
    segments: params.getAll("segment"),
    tiers: params.getAll("tier"),
    minPoints: params.get("minPoints") ?? "",
    maxPoints: params.get("maxPoints") ?? "",
    tags: splitTags(params.getAll("tag")),
    minClvMinor: params.get("minClv") ?? "",
    maxClvMinor: params.get("maxClv") ?? "",
    minPAlive: params.get("minAlive") ?? "",
    maxPAlive: params.get("maxAlive") ?? "",
    minChurnRisk: params.get("minRisk") ?? "",
    atRiskOnly: params.get("atRisk") === "1",
    personas: params.getAll("persona"),
  });
}

export function audienceQuery(a: AudienceFields): string {
  const params = new URLSearchParams();
  for (const s of a.segments) params.append("segment", s);
  for (const t of a.tiers) params.append("tier", t);
  const single = [
    ["minPoints", a.minPoints],
    ["maxPoints", a.maxPoints],
    ["tag", a.tags],
    ["minClv", a.minClv],
    ["maxClv", a.maxClv],
    ["minAlive", a.minAlivePercent],
    ["maxAlive", a.maxAlivePercent],
    ["minRisk", a.minRiskPercent],
  ] as const;
  for (const [key, value] of single) if (value.trim()) params.set(key, key === "tag" ? value : value.trim());
  if (a.atRiskOnly) params.set("atRisk", "1");
  for (const p of a.personas) params.append("persona", p);
  return params.toString();
}

const text = (n: number | null, scale = 1) => (n === null ? "" : String(Math.round(n * scale * 1e6) / 1e6));

/** A stored condition set back in the builder's fields (editing a saved segment). */
export function audienceFields(a: Audience, currency: string): AudienceFields {
  const perMajor = minorUnitsPerMajor(currency);
  return {
    segments: a.segments,
    tiers: a.tiers,
    minPoints: text(a.minPoints),
    maxPoints: text(a.maxPoints),
    tags: a.tags.join(", "),
    minClv: text(a.minClvMinor, 1 / perMajor),
    maxClv: text(a.maxClvMinor, 1 / perMajor),
    minAlivePercent: text(a.minPAlive, 100),
    maxAlivePercent: text(a.maxPAlive, 100),
    minRiskPercent: text(a.minChurnRisk, 100),
    atRiskOnly: a.atRiskOnly,
    personas: a.personas,
  };
}

/** The JSON a saved segment stores: the conditions with the version of their shape. */
export const storedConditions = (a: Audience) => ({ version: CONDITIONS_VERSION, ...a });

/** A saved segment's conditions, or null when they are unreadable (a later version, damage). */
export function readConditions(json: unknown): Audience | null {
  const parsed = audienceShape.extend({ version: z.literal(CONDITIONS_VERSION) }).safeParse(json);
  if (!parsed.success) return null;
  const { version: _version, ...audience } = parsed.data;
  return audience;
}
