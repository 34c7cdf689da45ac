import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { memberProgram, memberPrograms } from "~/loyalty/services/member-program.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { createExperiment, listExperiments, startHoldout, updateDraft } from "./experiments.server";
import {
  launchExperiment,
  pauseExperiment,
  revertShip,
  shipExperiment,
  stopExperiment,
} from "./lifecycle.server";

const db = prisma();
afterAll(() => db.$disconnect());

const NOW = new Date("2026-01-10T00:00:00Z");

async function newShop() {
  const shop = `exp-${randomUUID().slice(0, 8)}.myshopify.com`;
  await seedProgram(db, shop, {});
  return shop;
}

const definition = (overrides: Record<string, unknown> = {}) => ({
  key: "earn-2x",
  name: "Double points",
  hypothesis: "Double points bring members back sooner.",
  lever: "earnRate",
  primaryMetric: "netRevenue",
  variants: [
    { key: "control", name: "Control", weight: 50, control: true },
    { key: "double", name: "Double", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
  ],
  ...overrides,
});

async function rows(shop: string) {
  const [experiments, variants, audits, versions] = await Promise.all([
    db.experiment.count({ where: { shop } }),
    db.experimentVariant.count({ where: { experiment: { shop } } }),
    db.experimentAudit.count({ where: { shop } }),
    db.programVersion.count({ where: { shop } }),
  ]);
  return { experiments, variants, audits, versions };
}

describe("creating experiments", () => {
  it.each([
    [
      "weights that do not sum to 100",
      {
        variants: [
          { key: "a", name: "A", weight: 50, control: true },
          { key: "b", name: "B", weight: 40 },
        ],
      },
      "variants",
    ],
    [
      "an override that breaks the program",
      {
        variants: [
          { key: "a", name: "A", weight: 50, control: true },
          { key: "b", name: "B", weight: 50, override: { earning: { pointsPerCurrencyUnit: -3 } } },
        ],
      },
      "variants.1.override.earning.pointsPerCurrencyUnit",
    ],
    [
      "an override outside the lever",
      {
        variants: [
          { key: "a", name: "A", weight: 50, control: true },
          { key: "b", name: "B", weight: 50, override: { rewards: [] } },
        ],
      },
      "variants.1.override.rewards",
    ],
    [
      "no control",
      {
        variants: [
          { key: "a", name: "A", weight: 50 },
          { key: "b", name: "B", weight: 50 },
        ],
      },
      "variants",
    ],
    ["a single variant", { variants: [{ key: "a", name: "A", weight: 100, control: true }] }, "variants"],
    ["an unknown lever", { lever: "fonts" }, "lever"],
  ])("answers 422 for %s and writes nothing", async (_name, overrides, field) => {
    const shop = await newShop();
    const before = await rows(shop);
    const result = await createExperiment(db, shop, definition(overrides));
    expect(result).toMatchObject({ ok: false, status: 422 });
    if (!result.ok) expect(result.fieldErrors).toHaveProperty([field]);
    expect(await rows(shop)).toEqual(before);
  });

  it("creates a draft, edits it, and refuses to edit it once launched", async () => {
    const shop = await newShop();
    const created = await createExperiment(db, shop, definition(), "staff-1");
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const id = created.value.id;
    expect(await createExperiment(db, shop, definition())).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { key: expect.any(String) },
    });
    const edited = await updateDraft(
      db,
      shop,
      id,
      definition({
        name: "Triple points",
        variants: [
          { key: "control", name: "Control", weight: 50, control: true },
          { key: "triple", name: "Triple", weight: 50, override: { earning: { pointsPerCurrencyUnit: 3 } } },
        ],
      }),
    );
    expect(edited).toMatchObject({
      ok: true,
      value: { name: "Triple points", variants: [{ key: "control" }, { key: "triple" }] },
    });
    expect(await launchExperiment(db, shop, id, { now: NOW })).toMatchObject({
      ok: true,
      value: { status: "running" },
    });
    const before = await rows(shop);
    expect(await updateDraft(db, shop, id, definition())).toMatchObject({ ok: false, status: 422 });
    expect(await rows(shop)).toEqual(before);
    expect(await updateDraft(db, "other.myshopify.com", id, definition())).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe("the lifecycle", () => {
  it("refuses to launch without a primary metric, or over a lever's full layer, writing nothing", async () => {
    const shop = await newShop();
    const noMetric = await createExperiment(db, shop, definition({ primaryMetric: null }));
    if (!noMetric.ok) throw new Error("create failed");
    const before = await rows(shop);
    expect(await launchExperiment(db, shop, noMetric.value.id)).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { primaryMetric: expect.any(String) },
    });
    expect(await rows(shop)).toEqual(before);

    const first = await createExperiment(db, shop, definition({ key: "first", trafficPercent: 60 }));
    const second = await createExperiment(db, shop, definition({ key: "second", trafficPercent: 60 }));
    const third = await createExperiment(db, shop, definition({ key: "third", trafficPercent: 40 }));
    if (!first.ok || !second.ok || !third.ok) throw new Error("create failed");
    expect(await launchExperiment(db, shop, first.value.id)).toMatchObject({
      ok: true,
      value: { layerStart: 0, layerEnd: 6000 },
    });
    const mid = await rows(shop);
    expect(await launchExperiment(db, shop, second.value.id)).toMatchObject({ ok: false, status: 422 });
    expect(await rows(shop)).toEqual(mid);
    expect(await launchExperiment(db, shop, third.value.id)).toMatchObject({
      ok: true,
      value: { layerStart: 6000, layerEnd: 10000 },
    });
  });

  it("is idempotent and conditional on the status each step expects", async () => {
    const shop = await newShop();
    const created = await createExperiment(db, shop, definition());
    if (!created.ok) throw new Error("create failed");
    const id = created.value.id;
    expect(await stopExperiment(db, shop, id)).toMatchObject({ ok: false, status: 409 });
    await Promise.all([launchExperiment(db, shop, id), launchExperiment(db, shop, id)]);
    expect(await launchExperiment(db, shop, id)).toMatchObject({ ok: true, value: { status: "running" } });
    expect(await pauseExperiment(db, shop, id)).toMatchObject({ ok: true, value: { status: "paused" } });
    expect(await launchExperiment(db, shop, id)).toMatchObject({ ok: true, value: { status: "running" } });
    await Promise.all([stopExperiment(db, shop, id), stopExperiment(db, shop, id)]);
    expect(await stopExperiment(db, shop, id)).toMatchObject({ ok: true, value: { status: "stopped" } });
    const actions = await db.experimentAudit.findMany({
      where: { shop, experimentId: id },
      orderBy: { id: "asc" },
    });
    expect(actions.map((a) => a.action)).toEqual(["create", "launched", "paused", "launched", "stopped"]);
    expect(await launchExperiment(db, shop, id)).toMatchObject({ ok: false, status: 409 });
  });

  it("ships a variant as one new program version, once, and reverts it", async () => {
    const shop = await newShop();
    const created = await createExperiment(db, shop, definition());
    if (!created.ok) throw new Error("create failed");
    const id = created.value.id;
    await launchExperiment(db, shop, id);
    const live = await currentProgramVersion(db, shop);
    const shipped = await shipExperiment(db, shop, id, "double", { staffId: "staff-9" });
    expect(shipped).toMatchObject({
      ok: true,
      value: { status: "shipped", shippedVariant: "double", shippedVersion: live.version + 1 },
    });
    expect(await shipExperiment(db, shop, id, "double")).toMatchObject({
      ok: true,
      value: { shippedVersion: live.version + 1 },
    });
    expect(await shipExperiment(db, shop, id, "control")).toMatchObject({ ok: false, status: 409 });
    const after = await currentProgramVersion(db, shop);
    expect(after.version).toBe(live.version + 1);
    expect(after.program.earning.pointsPerCurrencyUnit).toBe(2);
    expect(after.createdBy).toBe("staff-9");
    const reverted = await revertShip(db, shop, id);
    expect(reverted).toEqual({ ok: true, value: live.version + 2 });
    expect(await revertShip(db, shop, id)).toEqual({ ok: true, value: live.version + 2 });
    expect((await currentProgramVersion(db, shop)).program.earning.pointsPerCurrencyUnit).toBe(1);
  });
});

describe("loadAssignment from running experiments", () => {
  it("gives members their variant's program, stamps the variant, and holds out the holdout's share", async () => {
    const shop = await newShop();
    const created = await createExperiment(db, shop, definition());
    if (!created.ok) throw new Error("create failed");
    const programs = await memberPrograms(db, shop, NOW);
    expect(programs(1n).variants).toEqual([]);
    await launchExperiment(db, shop, created.value.id);
    const holdout = await startHoldout(db, shop, { sharePercent: 10 });
    expect(holdout.ok).toBe(true);
    expect(await startHoldout(db, shop, { sharePercent: 10 })).toMatchObject({ ok: false, status: 422 });
    const resolve = await memberPrograms(db, shop, NOW);
    const counts = { held: 0, double: 0, control: 0 };
    for (let id = 1n; id <= 2000n; id++) {
      const mp = resolve(id);
      if (mp.heldOut) {
        counts.held++;
        expect(mp.variants).toEqual([]);
      } else if (mp.variants.length) {
        counts.double++;
        expect(mp.variants).toEqual(["earn-2x:double"]);
        expect(mp.program.earning.pointsPerCurrencyUnit).toBe(2);
      } else {
        counts.control++;
        expect(mp.program.earning.pointsPerCurrencyUnit).toBe(1);
      }
      expect((await memberProgram(db, shop, id, NOW)).variants).toEqual(mp.variants);
      if (id > 50n) break;
    }
    let held = 0;
    for (let id = 1n; id <= 5000n; id++) if (resolve(id).heldOut) held++;
    expect(held).toBeGreaterThan(400);
    expect(held).toBeLessThan(600);
    expect((await listExperiments(db, shop)).map((e) => e.kind).sort()).toEqual(["holdout", "test"]);
    await stopExperiment(db, shop, created.value.id);
    const afterStop = await memberPrograms(db, shop, NOW);
    for (let id = 1n; id <= 200n; id++) expect(afterStop(id).variants).toEqual([]);
  });
});
