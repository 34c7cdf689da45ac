import { describe, expect, it } from "vitest";
import { parseAdjustmentForm } from "./adjustment-form";

const id = "0b8f0c1e-7c38-4b39-9a57-8c3b1f1f2a10";

describe("parseAdjustmentForm", () => {
  it("reads signed points with thousands separators and the confirmation", () => {
    const form = new FormData();
    form.set("points", "-1,250");
    form.set("reason", "  Duplicate order credited  ");
    form.set("adjustmentId", id);
    form.set("allowNegative", "true");
    expect(parseAdjustmentForm(form)).toEqual({
      ok: true,
      value: { points: -1250, reason: "Duplicate order credited", adjustmentId: id, allowNegative: true },
    });
  });

  it.each([
    [{ points: "0", reason: "Because", adjustmentId: id }, "points"],
    [{ points: "1.5", reason: "Because", adjustmentId: id }, "points"],
    [{ points: "", reason: "Because", adjustmentId: id }, "points"],
    [{ points: "10", reason: " ", adjustmentId: id }, "reason"],
    [{ points: "10", reason: "Because", adjustmentId: "x" }, "adjustmentId"],
  ])("refuses %o with an error on %s", (input, field) => {
    const result = parseAdjustmentForm(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors)).toContain(field);
  });
});
