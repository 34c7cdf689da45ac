import { describe, expect, it } from "vitest";
import { formatDateTime, formatRelative, syncStatus, workerStatus, type Heartbeat } from "./present";

const now = new Date("2026-03-02T15:00:00Z");
const sync = { customers: 1, orders: 1, products: 1, backlog: 0, failed: 0, lastProcessedAt: null };
const worker = (lastBeatAt: string): Heartbeat => ({
  id: "w",
  host: "h",
  pid: 1,
  startedAt: "2026-03-02T14:00:00Z",
  lastBeatAt,
  queues: ["webhooks"],
});

describe("syncStatus", () => {
  it.each([
    [
      { backlog: 0, failed: 0 },
      { tone: "success", label: "Up to date" },
    ],
    [
      { backlog: 1, failed: 0 },
      { tone: "attention", label: "1 event waiting" },
    ],
    [
      { backlog: 1200, failed: 0 },
      { tone: "attention", label: "1,200 events waiting" },
    ],
    [
      { backlog: 5, failed: 2 },
      { tone: "critical", label: "2 events failed" },
    ],
  ])("%o → %o", (counts, expected) => {
    expect(syncStatus({ ...sync, ...counts })).toEqual(expected);
  });
});

describe("workerStatus", () => {
  it("is critical when no worker beats, or Redis cannot be read", () => {
    expect(workerStatus({ ok: true, queues: [], workers: [] }, now)).toEqual({
      tone: "critical",
      label: "No worker running",
    });
    expect(workerStatus({ ok: false, reason: "x" }, now)).toEqual({
      tone: "critical",
      label: "Queue status unavailable",
    });
  });

  it("counts running workers and warns about late ones", () => {
    const fresh = worker("2026-03-02T14:59:50Z");
    const late = worker("2026-03-02T14:59:30Z");
    expect(workerStatus({ ok: true, queues: [], workers: [fresh, fresh] }, now)).toEqual({
      tone: "success",
      label: "2 workers running",
    });
    expect(workerStatus({ ok: true, queues: [], workers: [fresh, late] }, now)).toEqual({
      tone: "warning",
      label: "1 worker not responding",
    });
  });
});

describe("dates", () => {
  it("formats in the shop's time zone, and in UTC when the zone is unknown or invalid", () => {
    expect(formatDateTime("2026-03-02T15:00:00Z", "America/New_York")).toBe("Mar 2, 2026, 10:00 AM EST");
    expect(formatDateTime("2026-03-02T15:00:00Z", null)).toBe("Mar 2, 2026, 3:00 PM UTC");
    expect(formatDateTime("2026-03-02T15:00:00Z", "Not/AZone")).toBe("Mar 2, 2026, 3:00 PM UTC");
  });

  it.each([
    ["2026-03-02T14:59:58Z", "just now"],
    ["2026-03-02T14:59:30Z", "30 seconds ago"],
    ["2026-03-02T14:58:00Z", "2 minutes ago"],
    ["2026-03-02T12:00:00Z", "3 hours ago"],
    ["2026-03-01T15:00:00Z", "yesterday"],
    ["2026-02-20T15:00:00Z", "10 days ago"],
  ])("%s is %s", (iso, text) => {
    expect(formatRelative(iso, now)).toBe(text);
  });
});
