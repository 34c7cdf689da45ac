import { describe, expect, it } from "vitest";
import { RealtimeLag, yieldToWebhooks } from "./backfill-yield";

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe("yieldToWebhooks", () => {
  it("returns at once while the waiting list is short", async () => {
    const c = clock();
    const wait = yieldToWebhooks({ getWaitingCount: async () => 8 }, { threshold: 8, ...c });
    await wait();
    expect(c.now()).toBe(0);
  });

  it("waits while real-time work is backed up, and goes on as soon as it drains", async () => {
    const c = clock();
    const counts = [50, 40, 20, 3];
    const wait = yieldToWebhooks(
      { getWaitingCount: async () => counts.shift() ?? 0 },
      { threshold: 8, ...c },
    );
    await wait();
    expect(c.now()).toBe(300);
    expect(wait.pausedMs()).toBe(300);
  });

  it("waits while recent real-time jobs took longer than maxLagMs, though none are waiting", async () => {
    const c = clock();
    const lag = new RealtimeLag(3_000);
    lag.observe({ timestamp: -2_500, finishedOn: 0, opts: {} });
    // A heavy shop's slow job says nothing about the others.
    lag.observe({ timestamp: -9_000, finishedOn: 0, opts: { priority: 3 } });
    const wait = yieldToWebhooks(
      { getWaitingCount: async () => 0 },
      { threshold: 8, lag: (now) => lag.recent(now), maxLagMs: 1_000, ...c },
    );
    expect(lag.recent(0)).toBe(2_500);
    await wait();
    expect(c.now()).toBe(2_000); // maxPauseMs
    // The next batch waits until the slow observation leaves the window, nobody having
    // measured a slow job again meanwhile.
    await wait();
    expect(c.now()).toBe(3_100);
    lag.observe({ timestamp: 3_000, finishedOn: 3_100, opts: {} });
    await wait();
    expect(c.now()).toBe(3_100);
    expect(wait.pausedMs()).toBe(3_100);
  });

  it("never waits longer than maxPauseMs before a batch, so a backfill always advances", async () => {
    const c = clock();
    const wait = yieldToWebhooks(
      { getWaitingCount: async () => 1_000 },
      { threshold: 8, maxPauseMs: 1_000, ...c },
    );
    await wait();
    expect(c.now()).toBe(1_000);
  });

  it("does not stop a backfill when Redis cannot count", async () => {
    const c = clock();
    const wait = yieldToWebhooks(
      {
        getWaitingCount: async () => {
          throw new Error("Connection is closed.");
        },
      },
      { threshold: 8, ...c },
    );
    await expect(wait()).resolves.toBeUndefined();
  });
});
