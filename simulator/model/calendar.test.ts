import { describe, expect, it } from "vitest";
import { Rng } from "../random/rng";
import { buildCalendar, cumulativeAt, DAY_MS, isoAt, timeAtCumulative, timeOfDayMs } from "./calendar";
import { shopParams } from "./params";

const calendar = buildCalendar(
  shopParams({ historyEnd: "2026-11-01T00:00:00Z", historyMonths: 18, horizonDays: 365 }),
);

describe("calendar", () => {
  it("spans the history window and the horizon", () => {
    expect(new Date(calendar.startMs).toISOString()).toBe("2025-05-01T00:00:00.000Z");
    expect(calendar.historyDays).toBe(549);
    expect(calendar.days).toBe(549 + 365);
  });

  it("normalises the intensity to mean 1 over the last year of history", () => {
    let sum = 0;
    for (let d = calendar.historyDays - 365; d < calendar.historyDays; d++) sum += calendar.intensity[d]!;
    expect(sum / 365).toBeCloseTo(1, 12);
    expect(
      cumulativeAt(calendar, calendar.historyDays) - cumulativeAt(calendar, calendar.historyDays - 365),
    ).toBeCloseTo(1, 12);
  });

  it("peaks on Black Friday (the day after the fourth Thursday of November)", () => {
    const days = calendar.blackFridays.map((d) =>
      new Date(calendar.startMs + d * DAY_MS).toISOString().slice(0, 10),
    );
    expect(days).toEqual(["2025-11-28", "2026-11-27"]);
    const bf = calendar.blackFridays[0]!;
    expect(calendar.intensity[bf]! / calendar.intensity[bf - 7]!).toBeGreaterThan(2.5);
    expect(calendar.intensity[bf + 3]! / calendar.intensity[bf - 4]!).toBeGreaterThan(2); // Cyber Monday
  });

  it("inverts the integrated intensity", () => {
    const rng = new Rng(4);
    for (let i = 0; i < 1000; i++) {
      const t = rng.float() * (calendar.days - 1);
      expect(timeAtCumulative(calendar, cumulativeAt(calendar, t))).toBeCloseTo(t, 8);
    }
    expect(timeAtCumulative(calendar, cumulativeAt(calendar, calendar.days) + 1)).toBe(Infinity);
  });

  it("formats ISO timestamps exactly like Date#toISOString", () => {
    const rng = new Rng(8);
    for (let i = 0; i < 2000; i++) {
      const ms = calendar.startMs + Math.floor(rng.float() * calendar.days * DAY_MS);
      expect(isoAt(calendar, ms)).toBe(new Date(ms).toISOString());
    }
    expect(isoAt(calendar, calendar.startMs - 1)).toBe(new Date(calendar.startMs - 1).toISOString());
  });

  it("places orders within the day following the intraday curve", () => {
    expect(timeOfDayMs(calendar, 0)).toBe(0);
    expect(timeOfDayMs(calendar, 0.999999)).toBeLessThan(DAY_MS);
    const evening = timeOfDayMs(calendar, 0.8);
    expect(evening).toBeGreaterThan(17 * 3_600_000);
  });
});

describe("shop parameters", () => {
  it("fill partial groups with defaults and reject unknown keys", () => {
    const params = shopParams({ purchase: { r: 2 }, segmentShares: { casual: 1 } });
    expect(params.purchase).toEqual({ r: 2, alpha: 0.5 });
    expect(params.segmentShares).toEqual({ dealSeeker: 0.25, loyalist: 0.2, casual: 1, engaged: 0.15 });
    expect(() => shopParams({ spend: { p: 6, gama: 40 } } as never)).toThrow(/gama/);
    expect(() => shopParams({ spend: { q: 1 } })).toThrow();
  });
});
