// Shared by the campaigns' end-to-end tests (email, SMS, inbox, broadcasts): the program
// their members live under, and a poll for what the worker does in the background.

/** Silver at $50 and Gold at $200 of lifetime spend, and one $5-off reward for 500 points. */
export const E2E_PROGRAM = {
  tiers: {
    basis: "spend" as const,
    window: "lifetime" as const,
    downgradeGraceDays: 30,
    levels: [
      { id: "silver", name: "Silver", threshold: 5000 },
      { id: "gold", name: "Gold", threshold: 20000 },
    ],
  },
  rewards: [
    {
      id: "five",
      name: "$5 off",
      value: { kind: "fixedAmount" as const, amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 500,
    },
  ],
};

/** Polls `probe` every 50 ms until it answers something truthy, or throws after `ms`. */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Empties the test's Redis between tests without pulling it from under a job in flight: the
 * worker finishes its active jobs first (a retry or a finish written into a flushed Redis fails
 * with "Missing key for job …"), then resumes on the empty database.
 */
export async function flushRedisQuietly(
  worker: { pause: () => Promise<void>; resume: () => void } | undefined,
  flush: () => Promise<unknown>,
): Promise<void> {
  await worker?.pause();
  try {
    await flush();
  } finally {
    worker?.resume();
  }
}
