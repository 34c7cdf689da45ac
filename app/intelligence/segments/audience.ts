import { z } from "zod";
import { SEGMENTS } from "./segments";

// The segment builder's conditions, as the page sends them in a query string: members in
// any of the chosen RFM segments, in any of the chosen tiers, with a points balance in a
// range, and with any of the chosen customer tags. An empty condition matches everyone.

const points = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (text === "") return null;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) {
      ctx.addIssue({ code: "custom", message: "Enter a whole number of points, 0 or more." });
      return z.NEVER;
    }
    return n;
  });

export const audienceSchema = z
  .object({
    segments: z.array(z.enum(SEGMENTS, { error: "Unknown segment." })).max(SEGMENTS.length),
    tiers: z.array(z.string().min(1).max(100)).max(20),
    minPoints: points,
    maxPoints: points,
    tags: z.array(z.string().trim().min(1).max(255)).max(50),
  })
  .refine((a) => a.minPoints === null || a.maxPoints === null || a.minPoints <= a.maxPoints, {
    message: "The minimum is above the maximum.",
    path: ["maxPoints"],
  });

export type Audience = z.infer<typeof audienceSchema>;

/** The conditions in a query string: repeated keys for lists, tags also comma-separated. */
export function parseAudience(params: URLSearchParams) {
  return audienceSchema.safeParse({
    segments: params.getAll("segment"),
    tiers: params.getAll("tier"),
    minPoints: params.get("minPoints") ?? "",
    maxPoints: params.get("maxPoints") ?? "",
    tags: params
      .getAll("tag")
      .flatMap((t) => t.split(","))
      .map((t) => t.trim())
      .filter(Boolean),
  });
}

export function audienceQuery(a: {
  segments: string[];
  tiers: string[];
  minPoints: string;
  maxPoints: string;
  tags: string;
}): string {
  const params = new URLSearchParams();
  for (const s of a.segments) params.append("segment", s);
  for (const t of a.tiers) params.append("tier", t);
  if (a.minPoints.trim()) params.set("minPoints", a.minPoints.trim());
  if (a.maxPoints.trim()) params.set("maxPoints", a.maxPoints.trim());
  if (a.tags.trim()) params.set("tag", a.tags);
  return params.toString();
}
