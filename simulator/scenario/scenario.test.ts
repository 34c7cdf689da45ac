import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../random/rng";
import { groundTruth } from "./ground-truth";
import { loadScenario } from "./load";
import {
  rateComponents,
  redemptionProbability,
  responder,
  type CustomerState,
  type ProgramExposure,
} from "./respond";
import { parseScenario, ScenarioError, type ScenarioInput } from "./schema";

const SCENARIOS = join(import.meta.dirname, "..", "scenarios");

const state: CustomerState = {
  segment: "casual",
  alive: true,
  lambdaPerYear: 4,
  dropoutP: 0.2,
  spendShape: 6,
  spendRate: 0.08,
  openRate: 0.4,
  clickGivenOpen: 0.2,
  pointsBalance: 0,
  tierProgressMinor: 0,
};

const exposure: ProgramExposure = {
  member: true,
  pointsPerCurrencyUnit: 1,
  tierMultiplier: 1,
  rewards: [{ id: "five", pointsCost: 100, valueMinor: 500 }],
  nextTierThresholdMinor: null,
  message: null,
  seasonality: 1,
};

const minimal: ScenarioInput = {
  name: "t",
  variants: [{ key: "holdout", holdout: true }, { key: "program" }],
};
const response = (input: Partial<ScenarioInput> = {}) => parseScenario({ ...minimal, ...input }).response;

describe("scenario files", () => {
  it.each(readdirSync(SCENARIOS).filter((f) => f.endsWith(".json")))("%s is valid", (file) => {
    const scenario = loadScenario(join(SCENARIOS, file));
    // Something to compare: program variants, or a campaign's holdout and message variants.
    for (const arms of scenario.campaign
      ? scenario.campaign.map((c) => c.variants.length + (c.holdoutPercent > 0 ? 1 : 0))
      : [scenario.variants.length])
      expect(arms).toBeGreaterThanOrEqual(2);
  });

  it("names every bad field with its path", () => {
    const attempt = () =>
      parseScenario(
        {
          name: "",
          shop: { domain: "not a shop", customers: 0 },
          response: { earnRate: { elastcity: 0.3 }, segments: { whales: {} } },
          variants: [{ key: "a" }, { key: "a", holdout: true, message: { variant: "x" } }],
          baseline: "b",
        },
        "bad.json",
      );
    expect(attempt).toThrow(ScenarioError);
    try {
      attempt();
    } catch (error) {
      const issues = (error as ScenarioError).issues.join("\n");
      expect(issues).toContain("name: Give the scenario a name.");
      expect(issues).toContain("shop.domain: Use <name>.myshopify.com.");
      expect(issues).toMatch(/shop\.customers: .*1/);
      expect(issues).toMatch(/response\.earnRate: Unrecognized key.*elastcity/);
      expect(issues).toContain(`response.segments: Unrecognized key: "whales"`);
      expect(issues).toContain('variants.1.key: Duplicate variant key "a".');
      expect(issues).toContain("variants.1.message: A holdout receives no messages.");
      expect((error as Error).message).toMatch(/^Invalid scenario bad\.json:\n {2}- /);
    }
    expect(() => parseScenario({ ...minimal, baseline: "nope" })).toThrow(
      /baseline: Unknown baseline variant "nope"/,
    );
    expect(() => parseScenario({ name: "x", variants: [] })).toThrow(/variants: List at least one variant/);
    expect(() =>
      parseScenario({
        name: "x",
        variants: [{ key: "a", program: { tiers: [{ name: "Gold", thresholdMinor: 500 }] } }],
      }),
    ).toThrow(/variants\.0\.program\.tiers: The first tier starts at 0/);
  });

  it("takes the app's bandit settings plus the members' arrival, and refuses a bandit it cannot run", () => {
    const bandit = { cadenceMinutes: 1440, arrivalDays: 30 };
    const program = [{ key: "a" }, { key: "b", program: { pointsPerCurrencyUnit: 2 } }];
    expect(parseScenario({ name: "x", variants: program, bandit }).bandit).toMatchObject({
      cadenceMinutes: 1440,
      burnInPeriods: 24,
      minSharePercent: 5,
      arrivalDays: 30,
    });
    expect(() => parseScenario({ ...minimal, bandit })).toThrow(/bandit: A bandit scenario has no holdout/);
    expect(() =>
      parseScenario({
        name: "x",
        variants: program,
        bandit: { arrivalDays: 120 },
        truth: { horizonDays: 90 },
      }),
    ).toThrow(/bandit\.arrivalDays: Members must join within the horizon/);
    expect(() =>
      parseScenario({ name: "x", variants: program, bandit: { arrivalDays: 9, cadenceMinutes: 5 } }),
    ).toThrow(/bandit\.cadenceMinutes: At least every 15 minutes/);
  });

  it("reports unreadable files as a scenario error", () => {
    expect(() => loadScenario(join(SCENARIOS, "missing.json"))).toThrow(/not readable JSON/);
  });
});

describe("respond", () => {
  it("leaves the holdout at its latent baseline", () => {
    const c = rateComponents(response(), state, { ...exposure, member: false });
    expect(c.total).toBe(1);
    const scaled = rateComponents(response({ response: { holdout: { frequencyMultiplier: 0.9 } } }), state, {
      ...exposure,
      member: false,
    });
    expect(scaled.total).toBe(0.9);
  });

  it("applies the earn-rate elasticity around the reference rate, clamped, scaled by segment", () => {
    const config = response({
      response: { membership: { frequencyLift: 0 }, earnRate: { elasticity: 0.3 } },
    });
    const at = (ppu: number, s: CustomerState = state) =>
      rateComponents(config, s, { ...exposure, pointsPerCurrencyUnit: ppu }).earnRate;
    expect(at(1)).toBeCloseTo(1, 12); // 1 point per $ at $5 per 100 points = 5% back = reference
    expect(at(2)).toBeCloseTo(2 ** 0.3, 12);
    expect(at(0.5)).toBeCloseTo(Math.max(0.85, 0.5 ** 0.3), 12);
    expect(at(100)).toBe(1.6);
    const seg = response({
      response: { earnRate: { elasticity: 0.3 }, segments: { casual: { earnElasticity: 2 } } },
    });
    expect(rateComponents(seg, state, { ...exposure, pointsPerCurrencyUnit: 2 }).earnRate).toBeCloseTo(
      2 ** 0.6,
      12,
    );
  });

  it("boosts purchases near a reward or tier goal, more the closer it is", () => {
    const config = response({
      response: { goalGradient: { window: 0.3, rewardBoost: 0.5, tierBoost: 0.3, curvature: 1 } },
    });
    const reward = (balance: number) =>
      rateComponents(config, { ...state, pointsBalance: balance }, exposure).rewardGoal;
    expect(reward(0)).toBe(1);
    expect(reward(69)).toBe(1);
    expect(reward(80)).toBeGreaterThan(1);
    expect(reward(95)).toBeGreaterThan(reward(80));
    expect(reward(99)).toBeCloseTo(1 + 0.5 * (1 - 0.01 / 0.3), 12);
    const tier = (spend: number) =>
      rateComponents(
        config,
        { ...state, tierProgressMinor: spend },
        { ...exposure, nextTierThresholdMinor: 10_000 },
      ).tierGoal;
    expect(tier(5_000)).toBe(1);
    expect(tier(9_000)).toBeCloseTo(1 + 0.3 * (1 - 0.1 / 0.3), 12);
  });

  it("redeems more often for more valuable rewards, up to the cap", () => {
    const config = response();
    const p = [100, 500, 1000, 5000].map((v) => redemptionProbability(config, "casual", v));
    expect(p[0]).toBeLessThan(p[1]!);
    expect(p[1]).toBeLessThan(p[2]!);
    expect(p[3]).toBeLessThanOrEqual(config.redemption.maxProbability);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-(-1.2 + 0.08))), 12);
  });

  it("lifts purchases only after an opened message, for the variant's lift days", () => {
    const config = response({
      response: { messages: { variants: { urgent: { purchaseLift: 0.2, liftDays: 7 } } } },
    });
    const lift = (opened: boolean | null, daysSinceSent: number) =>
      rateComponents(config, state, { ...exposure, message: { variant: "urgent", daysSinceSent, opened } })
        .message;
    expect(lift(true, 3)).toBeCloseTo(1.2, 12);
    expect(lift(true, 7)).toBe(1);
    expect(lift(false, 3)).toBe(1);
    expect(lift(null, 3)).toBe(1);
  });

  it("buys at the stated daily rate, drops out only after a purchase, and is deterministic", () => {
    const respond = responder(
      response({ response: { membership: { frequencyLift: 0, dropoutMultiplier: 1 } } }),
    );
    const rng = new Rng(3);
    const days = 200_000;
    let purchases = 0;
    let dropouts = 0;
    let value = 0;
    for (let d = 0; d < days; d++) {
      const r = respond(state, exposure, rng);
      if (r.purchased) {
        purchases++;
        value += r.orderValueMinor;
      }
      if (r.droppedOut) {
        dropouts++;
        expect(r.purchased).toBe(true);
      }
    }
    const expected = days * (1 - Math.exp(-4 / 365));
    expect(Math.abs(purchases - expected)).toBeLessThan(4 * Math.sqrt(expected)); // ≈ ±4 SE
    expect(Math.abs(dropouts / purchases - state.dropoutP)).toBeLessThan(0.03);
    expect(Math.abs(value / purchases / ((6 / 0.08) * 100) - 1)).toBeLessThan(0.05);

    const run = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 500 }, () => respond(state, { ...exposure, seasonality: 40 }, r));
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    expect(
      respond({ ...state, alive: false }, { ...exposure, seasonality: 1000 }, new Rng(1)).purchased,
    ).toBe(false);
  });
});

describe("ground truth", () => {
  const small = { seed: 77, customers: 1500 };

  it("ranks the earn-rate variants as the scenario implies, per segment too", () => {
    const scenario = loadScenario(join(SCENARIOS, "earn-rate.json"));
    const report = groundTruth({ ...scenario, shop: { ...scenario.shop, ...small } });
    expect(report.customers).toHaveLength(1500);
    expect(report.scenario.baseline).toBe("holdout");
    const [holdout, standard, double] = report.variants;
    expect(holdout!.vsBaseline).toBeNull();
    expect(standard!.vsBaseline!.ordersLift).toBeGreaterThan(0);
    expect(double!.vsBaseline!.ordersLift).toBeGreaterThan(standard!.vsBaseline!.ordersLift);
    expect(double!.perCustomer.rewardCostMinor).toBeGreaterThan(standard!.perCustomer.rewardCostMinor);
    expect(double!.bySegment.dealSeeker!.ordersLift!).toBeGreaterThan(double!.bySegment.casual!.ordersLift!);
    expect(report.summary.expectedRevenueMinor).toBe(
      report.customers.reduce((s, c) => s + c.expectedRevenueMinor, 0),
    );
  });

  it("finds no effect when the scenario says there is none", () => {
    const report = groundTruth(
      parseScenario({
        name: "null",
        shop: small,
        response: {
          membership: { frequencyLift: 0, dropoutMultiplier: 1 },
          earnRate: { elasticity: 0 },
          goalGradient: { rewardBoost: 0, tierBoost: 0 },
          redemption: { intercept: -20, perCurrencyUnit: 0 },
        },
        variants: [
          { key: "holdout", holdout: true },
          { key: "program", program: { pointsPerCurrencyUnit: 5 } },
        ],
        truth: { horizonDays: 60, replications: 2 },
      }),
    );
    const effect = report.variants[1]!.vsBaseline!;
    expect(Math.abs(effect.ordersLift)).toBeLessThan(0.02);
    expect(Math.abs(effect.netRevenueDiffPerCustomerMinor)).toBeLessThan(
      4 * effect.netRevenueDiffStandardError + 1,
    );
  });
});

describe("a campaign section", () => {
  const variant = (key: string, subject: string, weight = 40) => ({
    key,
    name: key,
    weight,
    subject,
    body: "Hi {firstName}, a message long enough: https://shop.example/x",
  });
  it("needs a true response per variant, distinct subjects and weights making 100 with the holdout", () => {
    const attempt = () =>
      parseScenario(
        {
          ...minimal,
          response: { messages: { variants: { a: { purchaseLift: 0.1 } } } },
          campaign: { holdoutPercent: 20, variants: [variant("a", "Same"), variant("b", "Same", 30)] },
        },
        "bad.json",
      );
    expect(attempt).toThrow(/campaign\.variants\.1\.key: No true response for message variant "b"/);
    expect(attempt).toThrow(/campaign\.variants\.1\.subject: Each variant needs its own subject/);
    expect(attempt).toThrow(
      /campaign\.variants: The holdout and the variants' weights must make 100, not 90/,
    );
  });
  it("accepts a well-formed A/B", () => {
    const s = parseScenario({
      ...minimal,
      response: { messages: { variants: { a: {}, b: {} } } },
      campaign: { holdoutPercent: 20, variants: [variant("a", "A"), variant("b", "B")] },
    });
    expect(s.campaign?.[0]?.grossMarginPercent).toBe(40);
    expect(s.campaign?.[0]?.channel).toBe("email");
  });
  it("tells SMS variants apart by their text, and names a listed campaign's bad field by its index", () => {
    const sms = (key: string, subject: string) => ({ ...variant(key, subject), channel: "sms" as const });
    const attempt = () =>
      parseScenario({
        ...minimal,
        response: { messages: { variants: { a: {}, b: {} } } },
        campaign: [
          { holdoutPercent: 20, variants: [variant("a", "A"), variant("b", "B")] },
          { channel: "sms", holdoutPercent: 20, variants: [sms("a", "Same"), sms("b", "Same")] },
        ],
      });
    expect(attempt).toThrow(/campaign\.1\.variants\.1\.body: Each variant needs its own body/);
  });
  it("gives each channel its own reading defaults", () => {
    const r = response();
    expect(r.channels.email).toMatchObject({ readRate: null, readsOn: "arrival" });
    expect(r.channels.sms).toMatchObject({ readRate: 0.9, readsOn: "arrival" });
    expect(r.channels.inbox).toMatchObject({ readsOn: "visit", keptDays: 30 });
    expect(response({ response: { channels: { sms: { clickMultiplier: 1 } } } }).channels.sms.readRate).toBe(
      0.9,
    );
  });
});
