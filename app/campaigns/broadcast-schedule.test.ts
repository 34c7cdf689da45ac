import { describe, expect, it } from "vitest";
import { shopLocalInstant } from "./broadcast-schedule";

const at = (date: string, time: string, tz: string) => shopLocalInstant({ date, time }, tz);

describe("shopLocalInstant", () => {
  it("reads the date and time on the shop's clock", () => {
    expect(at("2027-01-14", "09:30", "Europe/Paris")).toEqual({
      ok: true,
      at: new Date("2027-01-14T08:30:00Z"),
    });
    expect(at("2027-07-14", "09:30", "Europe/Paris")).toEqual({
      ok: true,
      at: new Date("2027-07-14T07:30:00Z"),
    });
    expect(at("2027-07-14", "21:00", "America/Los_Angeles")).toEqual({
      ok: true,
      at: new Date("2027-07-15T04:00:00Z"),
    });
    expect(at("2027-07-14", "9:05", "UTC")).toEqual({ ok: true, at: new Date("2027-07-14T09:05:00Z") });
  });

  it("refuses a time the clocks skip, and takes the first of a time they pass twice", () => {
    // Paris springs forward 2027-03-28 02:00 → 03:00 and falls back 2027-10-31 03:00 → 02:00.
    expect(at("2027-03-28", "02:30", "Europe/Paris")).toMatchObject({ ok: false, field: "time" });
    expect(at("2027-10-31", "02:30", "Europe/Paris")).toEqual({
      ok: true,
      at: new Date("2027-10-31T00:30:00Z"),
    });
  });

  it("refuses malformed and impossible values with the field", () => {
    expect(at("14/03/2027", "09:30", "UTC")).toMatchObject({ ok: false, field: "date" });
    expect(at("2027-02-30", "09:30", "UTC")).toMatchObject({ ok: false, field: "date" });
    expect(at("2027-02-03", "25:00", "UTC")).toMatchObject({ ok: false, field: "time" });
    expect(at("2027-02-03", "noon", "UTC")).toMatchObject({ ok: false, field: "time" });
  });
});
