import { describe, expect, it } from "vitest";
import { coalesce, ItemFailure } from "./coalesce";

describe("coalesce", () => {
  it("sends simultaneous calls as one batch and answers each caller with its own result", async () => {
    const batches: number[][] = [];
    const double = coalesce(async (items: number[]) => {
      batches.push(items);
      return items.map((i) => i * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("gathers calls that arrive while batches are in flight, within the batch and flight limits", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const echo = coalesce(
      async (items: number[]) => {
        batches.push(items);
        await gate;
        return items;
      },
      { maxBatch: 3, maxInFlight: 1 },
    );
    const first = echo(0);
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3, 4, 5].map(echo);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5]]);
  });

  it("rejects only the failed item, or the whole batch when the flush throws", async () => {
    const odd = coalesce(async (items: number[]) =>
      items.map((i) => (i % 2 ? i : new ItemFailure(new Error(`even ${i}`)))),
    );
    const results = await Promise.allSettled([1, 2, 3].map(odd));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);

    const broken = coalesce(async (): Promise<number[]> => {
      throw new Error("down");
    });
    const all = await Promise.allSettled([1, 2].map(broken));
    expect(all.every((r) => r.status === "rejected")).toBe(true);
  });
});
