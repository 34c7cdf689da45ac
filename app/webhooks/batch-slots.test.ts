import { describe, expect, it } from "vitest";
import { BatchSlots } from "./batch-slots";

const tick = () => new Promise((r) => setImmediate(r));

describe("BatchSlots", () => {
  it("lets small shops run beside a flash sale, which never holds more than its cap", async () => {
    const slots = new BatchSlots(2, 4);
    const started: string[] = [];
    const start = (shop: string) => void slots.acquire(shop).then(() => started.push(shop));
    for (let i = 0; i < 5; i++) start("flash");
    start("quiet-1");
    start("quiet-2");
    start("quiet-3");
    await tick();
    // Two of the flash sale's, then the quiet shops in arrival order; the rest wait.
    expect(started).toEqual(["flash", "flash", "quiet-1", "quiet-2"]);
    slots.release("quiet-1");
    await tick();
    // quiet-3 goes before the flash sale's third batch: the sale is at its cap.
    expect(started.slice(4)).toEqual(["quiet-3"]);
    slots.release("flash");
    await tick();
    expect(started.slice(5)).toEqual(["flash"]);
    expect(slots.busy).toBe(4);
  });

  it("keeps one shop to its cap even with every other slot free (the single-shop case)", async () => {
    const slots = new BatchSlots(2, 4);
    let started = 0;
    for (let i = 0; i < 4; i++) void slots.acquire("only").then(() => started++);
    await tick();
    expect(started).toBe(2);
    slots.release("only");
    await tick();
    expect(started).toBe(3);
    expect(slots.busy).toBe(2);
  });
});
