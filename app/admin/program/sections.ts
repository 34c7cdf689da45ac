import type { Lever } from "~/experiments/levers";
import type { ProgramDraft } from "./form";

// The program's sections: each is a page that edits some top-level parts of the program
// draft and saves them as a new version (program-page.server.ts `saveProgramSection`).
// A new section is one entry here and its route; the overview lists them in this order.

export interface ProgramSection {
  title: string;
  /** The page that edits it. */
  url: string;
  description: string;
  /** The parts of the draft it owns; a save replaces these and keeps the rest of the live version. */
  parts: readonly (keyof ProgramDraft)[];
  /** The experiment lever that tests a change to it, if one does. */
  lever: Lever | null;
}

export const PROGRAM_SECTIONS = {
  earning: {
    title: "Earning",
    url: "/app/program/earning",
    description: "Points per order, bonuses, product multipliers and campaigns, with what they cost.",
    parts: ["earning"],
    lever: "earnRate",
  },
  rewards: {
    title: "Rewards",
    url: "/app/rewards",
    description: "What members spend points on, and how each reward is used.",
    parts: ["rewards"],
    lever: "rewards",
  },
  tiers: {
    title: "Tiers",
    url: "/app/tiers",
    description: "Levels, thresholds, multipliers and checkout perks, with members per tier.",
    parts: ["tiers"],
    lever: "tiers",
  },
  policies: {
    title: "Expiry and policies",
    url: "/app/program/policies",
    description: "When points expire, who can join, and what refunds do to points.",
    parts: ["expiry", "membership", "refunds"],
    lever: "expiry",
  },
} as const satisfies Record<string, ProgramSection>;

export type SectionKey = keyof typeof PROGRAM_SECTIONS;
export const SECTION_KEYS = Object.keys(PROGRAM_SECTIONS) as SectionKey[];

/** The section's parts of a draft, as the page submits them. */
export function sectionPart(section: SectionKey, draft: ProgramDraft): Partial<ProgramDraft> {
  const parts: readonly (keyof ProgramDraft)[] = PROGRAM_SECTIONS[section].parts;
  return Object.fromEntries(parts.map((p) => [p, draft[p]])) as Partial<ProgramDraft>;
}
