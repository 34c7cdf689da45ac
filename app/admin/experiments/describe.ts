import { formatMoney } from "~/admin/members/present";
import type { Program } from "~/loyalty/program";
import { MESSAGE_KIND_KEYS, MESSAGE_KINDS } from "~/loyalty/program-messages";

// A variant's override in words, against the live program: "Earn rate: 1 → 2 points per
// USD". Used on the review step and the report page, so nobody reads raw JSON.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function threshold(program: Program, value: unknown): string {
  if (typeof value !== "number") return String(value);
  if (program.tiers.basis === "spend") return formatMoney(value, program.currency);
  return `${value.toLocaleString("en-US")} ${program.tiers.basis}`;
}

export function describeOverride(override: Json, program: Program): string {
  const parts: string[] = [];
  const earning = isObject(override.earning) ? override.earning : null;
  if (earning && "pointsPerCurrencyUnit" in earning)
    parts.push(
      `Earn rate: ${program.earning.pointsPerCurrencyUnit} → ${String(earning.pointsPerCurrencyUnit)} points per ${program.currency}`,
    );
  if (earning && isObject(earning.bonuses) && "signup" in earning.bonuses)
    parts.push(`Signup bonus: ${program.earning.bonuses.signup} → ${String(earning.bonuses.signup)} points`);
  if (earning && Array.isArray(earning.campaigns))
    for (const c of earning.campaigns as Json[]) {
      const live = program.earning.campaigns.find((x) => x.id === c.id);
      if (live?.kind === "multiplier" && live.multiplier !== c.multiplier)
        parts.push(`${live.name}: ${live.multiplier}× → ${String(c.multiplier)}× points`);
      if (live?.kind === "fixed" && live.points !== c.points)
        parts.push(`${live.name}: ${live.points} → ${String(c.points)} bonus points per order`);
    }
  if (isObject(override.messages))
    for (const kind of MESSAGE_KIND_KEYS) {
      const m = override.messages[kind];
      if (!isObject(m)) continue;
      const label = MESSAGE_KINDS[kind].label;
      if (typeof m.subject === "string") parts.push(`${label} subject: “${m.subject}”`);
      if (typeof m.body === "string") parts.push(`${label} message rewritten`);
    }
  if (Array.isArray(override.rewards)) {
    for (const r of override.rewards as Json[]) {
      const live = program.rewards.find((x) => x.id === r.id);
      if (live && live.pointsCost !== r.pointsCost)
        parts.push(`${live.name}: ${live.pointsCost} → ${String(r.pointsCost)} points`);
    }
  }
  if (isObject(override.tiers) && Array.isArray(override.tiers.levels)) {
    for (const l of override.tiers.levels as Json[]) {
      const live = program.tiers.levels.find((x) => x.id === l.id);
      if (!live) continue;
      if (live.threshold !== l.threshold)
        parts.push(
          `${live.name} threshold: ${threshold(program, live.threshold)} → ${threshold(program, l.threshold)}`,
        );
      const m = isObject(l.benefits) ? l.benefits.earnMultiplier : undefined;
      if (m !== undefined && m !== live.benefits.earnMultiplier)
        parts.push(`${live.name} multiplier: ${live.benefits.earnMultiplier}× → ${String(m)}×`);
    }
  }
  if (isObject(override.expiry)) {
    const e = override.expiry;
    const before = program.expiry.policy === "none" ? "never" : `after ${program.expiry.days} days`;
    const after =
      e.policy === "none"
        ? "never"
        : `after ${String(e.days)} days${e.policy === "inactivity" ? " of inactivity" : ""}`;
    parts.push(`Points expire: ${before} → ${after}`);
  }
  if (isObject(override.widgetCopy)) {
    const names = {
      guestPitch: "Guest pitch",
      memberGreeting: "Member greeting",
      callToAction: "Join button",
    };
    for (const [key, label] of Object.entries(names)) {
      const text = override.widgetCopy[key];
      if (typeof text === "string") parts.push(`${label}: “${text || "translated default"}”`);
    }
  }
  return parts.length ? parts.join("; ") : "No change from the live program";
}
