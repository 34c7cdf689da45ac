import Papa from "papaparse";
import { isStorableText } from "~/db/storable-text";
import type { ColumnMapping, MigrationField } from "./formats";

// A CSV export read into rows, and each row checked. Rows are numbered as a spreadsheet
// shows them: the header is row 1, the first customer row 2.

// Under the largest body any route reads (10 MB): a file of 200,000 customers fits.
export const MAX_FILE_BYTES = 9 * 1024 * 1024;
export const MAX_ROWS = 200_000;

export interface ParsedFile {
  headers: string[];
  rows: { line: number; cells: string[] }[];
}

/** The file's header and rows; an error message when it is not a CSV the import can read. */
export function parseCsv(text: string): ParsedFile | { error: string } {
  const body = text.replace(/^\uFEFF/, "");
  if (!body.trim()) return { error: "The file is empty." };
  const result = Papa.parse<string[]>(body, { skipEmptyLines: "greedy", delimiter: "" });
  const fatal = result.errors.find((e) => e.type === "Quotes" || e.type === "Delimiter");
  if (fatal)
    return { error: `The file is not a readable CSV (row ${(fatal.row ?? 0) + 1}: ${fatal.message}).` };
  const [headers, ...data] = result.data;
  if (!headers || headers.every((h) => !h.trim())) return { error: "The file has no header row." };
  if (data.length === 0) return { error: "The file has a header but no customer rows." };
  if (data.length > MAX_ROWS)
    return { error: `The file has ${data.length} rows; split it into files of at most ${MAX_ROWS}.` };
  // PostgreSQL stores no NUL (U+0000): a file holding one is refused by row, before anything is written.
  const unstorable = [headers, ...data].findIndex((cells) => cells.some((cell) => !isStorableText(cell)));
  if (unstorable >= 0)
    return {
      error: `Row ${unstorable + 1} holds a character that can't be stored (U+0000, NUL); remove it and upload the file again.`,
    };
  return { headers: headers.map((h) => h.trim()), rows: data.map((cells, i) => ({ line: i + 2, cells })) };
}

export interface MigrationRow {
  line: number;
  /** Lower case, trimmed. */
  email: string;
  pointsBalance: number | null;
  lifetimePoints: number | null;
  pointsSpent: number | null;
  tierName: string | null;
  referralCode: string | null;
}

export type ProblemKind =
  | "missingEmail"
  | "badEmail"
  | "badNumber"
  | "negativeBalance"
  | "duplicate"
  | "unknownCustomer"
  | "unknownTier"
  | "badReferral"
  | "referralTaken";

export interface RowProblem {
  line: number;
  field: MigrationField | null;
  kind: ProblemKind;
  message: string;
  /** An error skips the row; a warning imports it without the field. */
  severity: "error" | "warning";
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INTEGER = /^-?\d+$/;
const CODE = /^[A-Za-z0-9_-]{3,64}$/;

/** The mapped rows and what is wrong with them (before customers and tiers are looked up). */
export function readRows(
  file: ParsedFile,
  mapping: ColumnMapping,
): { rows: MigrationRow[]; problems: RowProblem[] } {
  const rows: MigrationRow[] = [];
  const problems: RowProblem[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, cells } of file.rows) {
    const cell = (f: MigrationField) => {
      const i = mapping[f];
      return i === null ? "" : (cells[i] ?? "").trim();
    };
    const rowProblems: RowProblem[] = [];
    const problem = (
      field: MigrationField | null,
      kind: ProblemKind,
      message: string,
      severity: "error" | "warning" = "error",
    ) => rowProblems.push({ line, field, kind, message, severity });

    const email = cell("email").toLowerCase();
    if (!email) problem("email", "missingEmail", "No email.");
    else if (!EMAIL.test(email)) problem("email", "badEmail", `"${cell("email")}" is not an email address.`);

    const number = (field: "pointsBalance" | "lifetimePoints" | "pointsSpent") => {
      const text = cell(field).replace(/^\+/, "");
      if (text === "") return null;
      if (!INTEGER.test(text) || !Number.isSafeInteger(Number(text))) {
        problem(
          field,
          "badNumber",
          `${label(field)} "${cell(field)}" is not a whole number (use digits only, e.g. 1250).`,
        );
        return null;
      }
      const value = Number(text);
      if (value < 0) {
        problem(field, "negativeBalance", `${label(field)} is negative (${value}).`);
        return null;
      }
      return value;
    };
    const pointsBalance = number("pointsBalance");
    const lifetimePoints = number("lifetimePoints");
    const pointsSpent = number("pointsSpent");
    const referralCode = referralCodeOf(cell("referral"));
    if (cell("referral") && referralCode === null)
      problem("referral", "badReferral", `No referral code in "${cell("referral")}".`, "warning");

    if (email && EMAIL.test(email)) {
      const seen = firstLine.get(email);
      if (seen !== undefined) problem("email", "duplicate", `Duplicate of row ${seen} (${email}).`);
      else firstLine.set(email, line);
    }
    problems.push(...rowProblems);
    if (rowProblems.some((p) => p.severity === "error")) continue;
    rows.push({
      line,
      email,
      pointsBalance,
      lifetimePoints,
      pointsSpent,
      tierName: cell("tier") || null,
      referralCode,
    });
  }
  return { rows, problems };
}

const label = (field: MigrationField) =>
  ({ pointsBalance: "Points balance", lifetimePoints: "Lifetime points", pointsSpent: "Points spent" })[
    field as "pointsBalance"
  ] ?? field;

/** A referral code, or the code at the end of a referral link (its last path segment or its ref/code parameter). */
export function referralCodeOf(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  if (CODE.test(text)) return text;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return null;
  }
  for (const name of ["ref", "referral", "code", "referral_code"]) {
    const v = url.searchParams.get(name);
    if (v && CODE.test(v)) return v;
  }
  const last = url.pathname.split("/").filter(Boolean).at(-1);
  return last && CODE.test(last) ? last : null;
}

/** The header names for the mapping screen, and a sample of each column. */
export function columnsOf(file: ParsedFile): { index: number; header: string; sample: string }[] {
  return file.headers.map((header, index) => ({
    index,
    header: header || `Column ${index + 1}`,
    sample: file.rows.find((r) => (r.cells[index] ?? "").trim())?.cells[index]?.trim() ?? "",
  }));
}
