import type { SimCustomer } from "../customers/customers";
import { DAY_MS, type Calendar } from "../model/calendar";
import { hashString, Rng } from "../random/rng";
import type { CustomerHistory } from "./history";

// A customer's email and SMS engagement as events (the imports' shape), laid out over the
// shop's campaign days so that they add up to the history's aggregate counts: one send per
// campaign from sign-up to the end of history (`emails.received`, `receivedLast90`), the
// opens among them (`opened`, `openedLast90`, in and before the last 90 days), the clicks
// among the opens (`clicked`). Which sends were opened and when is drawn from the
// customer's own stream (seed, "engagement", index), apart from the stream that made their
// orders, so asking for events changes nothing else. Customers with SMS consent also get
// an SMS on every other campaign day, clicked at their email click-through rate.

export interface SimEngagementEvent {
  id: string;
  customerId: number;
  channel: "email" | "sms";
  type: "send" | "open" | "click";
  recipient: string;
  campaign: string;
  occurredAt: string;
}

const HOUR_MS = 3_600_000;
const SEND_HOUR = 14;

export function engagementEvents(
  calendar: Calendar,
  seed: number,
  c: SimCustomer,
  history: CustomerHistory,
): SimEngagementEvent[] {
  if (!c.profile.emailConsent && !c.phone) return [];
  const rng = new Rng((seed ^ hashString("engagement")) | 0, c.index);
  const end = calendar.historyDays;
  const endMs = calendar.startMs + end * DAY_MS;
  const from = Math.min(end, Math.ceil(c.acquiredDay));
  const last90 = Math.max(from, end - 90);
  const sends: { ordinal: number; ms: number; recent: boolean }[] = [];
  for (let d = from; d < end; d++) {
    const first = calendar.campaignsBefore[d]!;
    const count = calendar.campaignsBefore[d + 1]! - first;
    for (let k = 0; k < count; k++)
      sends.push({
        ordinal: first + k + 1,
        ms: calendar.startMs + d * DAY_MS + (SEND_HOUR + 2 * k) * HOUR_MS,
        recent: d >= last90,
      });
  }
  const at = (ms: number) => new Date(Math.min(ms, endMs - 60_000)).toISOString();
  const events: SimEngagementEvent[] = [];
  const event = (ordinal: number, channel: "email" | "sms", type: SimEngagementEvent["type"], ms: number) =>
    events.push({
      id: `sim-${c.id}-${channel}-${ordinal}-${type}`,
      customerId: c.id,
      channel,
      type,
      recipient: channel === "email" ? c.email : c.phone!,
      campaign: `Campaign ${ordinal}`,
      occurredAt: at(ms),
    });

  if (c.profile.emailConsent) {
    const { opened, openedLast90, clicked } = history.emails;
    const recent = sends.filter((s) => s.recent);
    const earlier = sends.filter((s) => !s.recent);
    const opens = [...pick(rng, earlier, opened - openedLast90), ...pick(rng, recent, openedLast90)].map(
      (s) => ({
        ...s,
        openMs: s.ms + rng.float() * 36 * HOUR_MS,
      }),
    );
    const clicks = new Set(pick(rng, opens, clicked));
    for (const s of sends) event(s.ordinal, "email", "send", s.ms);
    for (const o of opens) {
      event(o.ordinal, "email", "open", o.openMs);
      if (clicks.has(o)) event(o.ordinal, "email", "click", o.openMs + (1 + rng.float() * 20) * 60_000);
    }
  }
  if (c.phone) {
    for (const s of sends.filter((x) => x.ordinal % 2 === 0)) {
      event(s.ordinal, "sms", "send", s.ms + HOUR_MS);
      if (rng.chance(c.latent.openRate * c.latent.clickGivenOpen))
        event(s.ordinal, "sms", "click", s.ms + HOUR_MS + rng.float() * 4 * HOUR_MS);
    }
  }
  return events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
}

/** `k` of the items, uniformly without replacement, in their order. */
function pick<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const n = items.length;
  const take = Math.max(0, Math.min(k, n));
  const chosen: T[] = [];
  // Selection sampling (Knuth's Algorithm S): each item kept with probability needed/left.
  for (let i = 0; i < n && chosen.length < take; i++)
    if (rng.float() * (n - i) < take - chosen.length) chosen.push(items[i]!);
  return chosen;
}
