import { describe, expect, it } from "vitest";
import { bestChannel, deliverableChannel, reachableChannels, type Reachability } from "./channel";

const reach = (
  over: { email?: boolean; sms?: boolean; member?: boolean; suppressed?: boolean } = {},
): Reachability => ({
  email: { consent: over.email ?? true, address: true, suppressed: over.suppressed ?? false },
  sms: { consent: over.sms ?? true, phone: true, suppressed: false },
  member: over.member ?? true,
});
const shop = { email: { sends: 1000, responses: 150 }, sms: { sends: 400, responses: 100 } };

describe("bestChannel", () => {
  it("never picks a channel the member did not consent to, however well it does", () => {
    const choice = bestChannel(reach({ sms: false }), shop, { sms: { sends: 10, responses: 10 } });
    expect(choice.channel).toBe("email");
    expect(choice.expected).not.toHaveProperty("sms");
  });

  it("needs an address or phone, and no suppression, besides consent", () => {
    expect(
      reachableChannels({ ...reach(), email: { consent: true, address: false, suppressed: false } }),
    ).toEqual(["sms", "inbox"]);
    expect(reachableChannels(reach({ suppressed: true, sms: false }))).toEqual(["inbox"]);
    expect(bestChannel(reach({ email: false, sms: false }), shop, {})).toMatchObject({
      channel: "inbox",
      reason: "only channel the member can receive",
    });
    expect(bestChannel(reach({ email: false, sms: false, member: false }), shop, {})).toMatchObject({
      channel: null,
      source: "none",
    });
  });

  it("takes the shop's best channel for a member without history", () => {
    // sms answers 25 % in the shop, email 15 %; the untried inbox is assumed no better than email.
    expect(bestChannel(reach(), shop, {})).toMatchObject({
      channel: "sms",
      source: "shop",
      reason: "shop default",
    });
  });

  it("follows the member's own responses once they outweigh the prior", () => {
    const own = { email: { sends: 20, responses: 12 }, sms: { sends: 20, responses: 0 } };
    expect(bestChannel(reach(), shop, own)).toMatchObject({
      channel: "email",
      source: "member",
      reason: "12 of 20 email messages answered",
    });
    // One ignored SMS is not enough to leave the shop's better channel.
    expect(bestChannel(reach(), shop, { sms: { sends: 1, responses: 0 } }).channel).toBe("sms");
  });

  it("picks email when the shop has no history on any channel (ties go to email, sms, inbox)", () => {
    expect(bestChannel(reach(), {}, {})).toMatchObject({
      channel: "email",
      ranking: ["email", "sms", "inbox"],
    });
  });

  it("ranks the reachable channels, so a send takes the best one the shop can deliver", () => {
    const choice = bestChannel(reach(), shop, {});
    expect(choice.ranking).toEqual(["sms", "email", "inbox"]);
    expect(deliverableChannel(choice.ranking, ["email"])).toBe("email");
    expect(deliverableChannel(choice.ranking, ["email", "sms"])).toBe("sms");
    expect(deliverableChannel(bestChannel(reach({ email: false }), shop, {}).ranking, ["email"])).toBeNull();
  });
});
