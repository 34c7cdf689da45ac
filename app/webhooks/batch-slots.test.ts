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

  it("lets other shops use a parked batch's share of the total, while its shop stays at its cap", async () => {
    const slots = new BatchSlots(1, 2);
    const started: string[] = [];
    const start = (shop: string) => void slots.acquire(shop).then(() => started.push(shop));
    start("a");
    start("b");
    start("a");
    start("c");
    await tick();
    expect(started).toEqual(["a", "b"]);
    // a's batch waits for another process's batch of its shop: c runs meanwhile, a's second does not.
    slots.park();
    await tick();
    expect(started).toEqual(["a", "b", "c"]);
    let resumed = false;
    void slots.unpark("a").then(() => (resumed = true));
    await tick();
    expect(resumed).toBe(false);
    slots.release("b");
    await tick();
    // The parked batch gets b's share before a's second batch (its shop is still at its cap).
    expect(resumed).toBe(true);
    expect(started).toEqual(["a", "b", "c"]);
    slots.release("a");
    await tick();
    expect(started).toEqual(["a", "b", "c", "a"]);
    expect(slots.busy).toBe(2);
  });

  it("gives a parked batch its share back at once when one is free", async () => {
    const slots = new BatchSlots(1, 4);
    await slots.acquire("a");
    slots.park();
    expect(slots.busy).toBe(0);
    await slots.unpark("a");
    expect(slots.busy).toBe(1);
  });
});
