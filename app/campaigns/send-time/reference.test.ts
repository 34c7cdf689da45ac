import { describe, expect, it } from "vitest";
import fixtures from "./reference/fixtures.json";
import { bestHour, shopPrior, smoothCircular, weightedActivity, type HourCounts } from "./best-hour";
import { bestChannel, type Channel, type ChannelStats } from "./channel";

// Against scipy (reference/compute.py): the smoothed shop histogram, the Dirichlet prior,
// each member's posterior mean and pick, and the channels' Beta posterior means.

const close = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThan(1e-9));
};

describe("send time against the python reference", () => {
  const shop = fixtures.shop as HourCounts;
  const alpha = shopPrior(shop);

  it("smooths the shop histogram and builds the prior like scipy", () => {
    close(smoothCircular(weightedActivity(shop)), fixtures.smoothedShop);
    close(alpha, fixtures.alpha);
  });

  it.each(Object.entries(fixtures.members))("member %s: posterior mean and hour", (_, m) => {
    const result = bestHour(m.counts as HourCounts, alpha);
    close(result.posterior, m.posterior);
    expect(result.hour).toBe(m.hour);
  });

  it("gives the channels' posterior means like scipy", () => {
    const reach = {
      email: { consent: true, address: true, suppressed: false },
      sms: { consent: true, phone: true, suppressed: false },
      member: true,
    };
    const choice = bestChannel(
      reach,
      fixtures.shopChannels as Record<Channel, ChannelStats>,
      fixtures.memberChannels as Partial<Record<Channel, ChannelStats>>,
    );
    for (const c of ["email", "sms", "inbox"] as const)
      expect(Math.abs(choice.expected[c]! - fixtures.channelMeans[c])).toBeLessThan(1e-9);
    expect(choice.channel).toBe("sms");
  });
});
