import { describe, expect, it } from "vitest";
import { generateShop } from "../shop";
import { engagementEvents } from "./engagement-events";

// Engagement events add up to each customer's aggregate email counts, stay inside the
// history, repeat exactly under the same seed, and leave the shop's orders as they were.

const shop = generateShop({
  seed: 11,
  customers: 400,
  historyMonths: 12,
  historyEnd: "2026-06-01T00:00:00Z",
});
const eventsOf = (i: number) =>
  engagementEvents(shop.calendar, shop.params.seed, shop.customers[i]!, shop.histories[i]!);
const DAY = 86_400_000;

describe("simulated engagement events", () => {
  it("add up to the history's email counts, customer by customer", () => {
    let total = 0;
    shop.customers.forEach((c, i) => {
      const events = eventsOf(i).filter((e) => e.channel === "email");
      const h = shop.histories[i]!.emails;
      const count = (type: string, recent = false) =>
        events.filter(
          (e) =>
            e.type === type &&
            (!recent ||
              Date.parse(e.occurredAt) >= shop.calendar.startMs + (shop.calendar.historyDays - 90) * DAY),
        ).length;
      expect([count("send"), count("open"), count("click")], `customer ${c.id}`).toEqual([
        h.received,
        h.opened,
        h.clicked,
      ]);
      expect(count("send", true)).toBe(h.receivedLast90);
      total += events.length;
    });
    expect(total).toBeGreaterThan(1000);
  });

  it("happen within the history, each open after its send and each click after its open", () => {
    const endMs = shop.calendar.startMs + shop.calendar.historyDays * DAY;
    for (let i = 0; i < shop.customers.length; i++) {
      const events = eventsOf(i);
      const byKey = new Map(
        events.map((e) => [`${e.channel}:${e.campaign}:${e.type}`, Date.parse(e.occurredAt)]),
      );
      for (const e of events) {
        const t = Date.parse(e.occurredAt);
        expect(t).toBeGreaterThanOrEqual(shop.calendar.startMs);
        expect(t).toBeLessThan(endMs);
        if (e.type === "open") expect(t).toBeGreaterThanOrEqual(byKey.get(`email:${e.campaign}:send`)!);
        if (e.type === "click" && e.channel === "email")
          expect(t).toBeGreaterThanOrEqual(byKey.get(`email:${e.campaign}:open`)!);
      }
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    }
  });

  it("are the same for the same seed and leave the orders alone", () => {
    const again = generateShop({
      seed: 11,
      customers: 400,
      historyMonths: 12,
      historyEnd: "2026-06-01T00:00:00Z",
    });
    expect(engagementEvents(again.calendar, 11, again.customers[3]!, again.histories[3]!)).toEqual(
      eventsOf(3),
    );
    expect(again.orders).toEqual(shop.orders);
    expect(
      shop.customers.some((c) => c.phone) &&
        eventsOf(shop.customers.findIndex((c) => c.phone)).some((e) => e.channel === "sms"),
    ).toBe(true);
  });
});
