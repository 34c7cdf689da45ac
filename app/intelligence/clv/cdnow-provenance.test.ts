import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import cdnow from "./reference/cdnow-summary.json";

// The committed summary is what CDNOW_sample.txt says: re-derived here, independently of the
// Python script, whenever the shared data is on the machine (beside the clone, or one level
// further up for a git worktree).
const root = path.resolve(import.meta.dirname, "../../..");
const folder = [path.join(root, "../shared/data/cdnow"), path.join(root, "../../shared/data/cdnow")].find(
  (dir) => existsSync(path.join(dir, "CDNOW_sample.txt")),
);

const dayNumber = (yyyymmdd: string) =>
  Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))) /
  86_400_000;

describe.skipIf(!folder)("CDNOW summary provenance", () => {
  it("every row of reference/cdnow-summary.json follows from CDNOW_sample.txt", () => {
    const calibrationEnd = dayNumber("19970930");
    const holdoutEnd = dayNumber("19980630");
    const days = new Map<number, Map<number, number>>(); // sample id -> day -> cents
    for (const line of readFileSync(path.join(folder!, "CDNOW_sample.txt"), "utf8").split("\n")) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 5) continue;
      const id = Number(fields[1]);
      const perDay = days.get(id) ?? new Map<number, number>();
      const day = dayNumber(fields[2]!);
      perDay.set(day, (perDay.get(day) ?? 0) + Math.round(Number(fields[4]) * 100));
      days.set(id, perDay);
    }
    const derived = [...days.keys()]
      .sort((a, b) => a - b)
      .map((id) => {
        const perDay = days.get(id)!;
        const sorted = [...perDay.keys()].sort((a, b) => a - b);
        const calibration = sorted.filter((d) => d <= calibrationEnd);
        const first = calibration[0]!;
        const repeat = calibration.slice(1);
        return [
          id,
          repeat.length,
          calibration.at(-1)! - first,
          calibrationEnd - first,
          repeat.reduce((s, d) => s + perDay.get(d)!, 0),
          sorted.filter((d) => d > calibrationEnd && d <= holdoutEnd).length,
        ];
      });
    expect(derived).toHaveLength(2357);
    expect(derived).toEqual(cdnow.rows);
  });
});

if (!folder)
  console.info(
    "CDNOW provenance check skipped: ../shared/data/cdnow/CDNOW_sample.txt is not on this machine",
  );
