import { vi } from "vitest";

/**
 * Makes `crypto.randomUUID()` (the global one, which the experiments service salts each
 * experiment with) return a fixed sequence for the rest of the test file, so a run through the
 * app draws the same random split every time. Statistical assertions about one split then hold
 * or fail for good rather than at their error rate; coverage over many splits is measured by
 * `npm run sim -- --scenario … --replications N`.
 */
export function seedRandomUuids(): void {
  let next = 0;
  vi.spyOn(globalThis.crypto, "randomUUID").mockImplementation(() => {
    next += 1;
    return `${next.toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`;
  });
}
