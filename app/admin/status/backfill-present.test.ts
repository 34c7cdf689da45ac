import { describe, expect, it } from "vitest";
import { presentBackfill, type BackfillRunFacts } from "./backfill-present";

const run = (extra: Partial<BackfillRunFacts> = {}): BackfillRunFacts => ({
  id: "r1",
  status: "running",
  phase: "export",
  resource: "products",
  orderSlices: [],
  slice: 0,
  historyEarnsPoints: false,
  objectCount: null,
  linesLoaded: 0n,
  customersLoaded: 0,
  ordersLoaded: 0,
  lineItemsLoaded: 0,
  productsLoaded: 0,
  customersTotal: null,
  customersCredited: 0,
  membersEnrolled: 0,
  entriesWritten: 0,
  pointsCredited: 0n,
  error: null,
  createdAt: new Date("2026-01-01T00:00:00Z"),
  finishedAt: null,
  ...extra,
});

describe("presentBackfill", () => {
  it("says history starts on the import's day when past orders earned nothing", () => {
    const view = presentBackfill(
      run({ status: "completed", phase: "done", finishedAt: new Date("2026-11-30T15:00:00Z") }),
    );
    expect(view?.historyNote).toMatch(
      /^History starts on Nov 30, 2026: .*past redemptions were not imported/,
    );
    expect(view?.counts.map((c) => c.label)).not.toContain("Past redemptions");
  });

  it("counts past redemptions and names the codes it read when history earns points", () => {
    const view = presentBackfill(
      run({
        historyEarnsPoints: true,
        redemptionsImported: 41,
        redemptionsUnmatched: 2,
        redemptionCodePrefixes: ["SMILE-"],
      }),
    );
    expect(view?.counts).toContainEqual({ label: "Past redemptions", value: 41 });
    expect(view?.historyNote).toContain("codes starting with SMILE-");
    expect(view?.historyNote).toContain("2 reward codes matched no reward");
  });

  it("says nothing when the shop never imported", () => {
    expect(presentBackfill(null)).toBeNull();
  });

  it("moves forward through export, load and credit", () => {
    const steps = [
      run(),
      run({ phase: "load", resource: "customers", objectCount: 100n, linesLoaded: 50n }),
      run({ phase: "export", resource: "orders" }),
      run({ phase: "load", resource: "orders", objectCount: 1000n, linesLoaded: 1000n }),
      run({ phase: "credit", resource: null, customersTotal: 200, customersCredited: 100 }),
      run({ status: "completed", phase: "done", resource: null }),
    ].map((r) => presentBackfill(r)!);
    const progress = steps.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(100);
    expect(steps.map((s) => s.step)).toEqual([
      "Shopify is exporting products",
      "Loading customers",
      "Shopify is exporting orders",
      "Loading orders",
      "Enrolling members",
      "Import finished",
    ]);
    expect(steps[4]!.progress).toBe(85);
  });

  it("names the part of orders exported in slices, each taking its share of the orders' progress", () => {
    const sliced = { resource: "orders", orderSlices: [100n, 200n, 300n] };
    const steps = [
      run({ ...sliced, phase: "export", slice: 0 }),
      run({ ...sliced, phase: "load", slice: 0, objectCount: 10n, linesLoaded: 10n }),
      run({ ...sliced, phase: "export", slice: 1 }),
      run({ ...sliced, phase: "load", slice: 3, objectCount: 10n, linesLoaded: 5n }),
      run({ ...sliced, phase: "load", slice: 3, objectCount: 10n, linesLoaded: 10n }),
    ].map((r) => presentBackfill(r)!);
    expect(steps.map((s) => s.step)).toEqual([
      "Shopify is exporting orders (part 1 of 4)",
      "Loading orders (part 1 of 4)",
      "Shopify is exporting orders (part 2 of 4)",
      "Loading orders (part 4 of 4)",
      "Loading orders (part 4 of 4)",
    ]);
    // Orders span 15–70: a quarter each.
    expect(steps.map((s) => s.progress)).toEqual([15, 29, 29, 67, 70]);
  });

  it("names the credit step by the merchant's choice and shows counts", () => {
    const view = presentBackfill(
      run({ phase: "credit", historyEarnsPoints: true, ordersLoaded: 12, pointsCredited: 3400n }),
    )!;
    expect(view.step).toBe("Crediting members for their past orders");
    expect(view.counts).toContainEqual({ label: "Orders", value: 12 });
    expect(view.counts).toContainEqual({ label: "Points credited", value: 3400 });
  });

  it("shows why a failed import stopped, and hides old errors of a completed one", () => {
    expect(presentBackfill(run({ status: "failed", error: "bulk operation ended FAILED" }))).toMatchObject({
      tone: "critical",
      step: "Import stopped",
      error: "bulk operation ended FAILED",
      active: false,
    });
    expect(presentBackfill(run({ status: "completed", phase: "done", error: "retried" }))!.error).toBeNull();
  });
});
