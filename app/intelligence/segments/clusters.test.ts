import { describe, expect, it } from "vitest";

import { clusterMembers, MIN_CLUSTER_MEMBERS, type Cluster } from "./clusters";
import type { MemberFeatures } from "./features";
import { personaOf } from "./persona";

/** Three behaviours a shop plausibly has, with jitter from a fixed sequence. */
function shop(perGroup: number): MemberFeatures[] {
  const groups = [
    {
      recencyDays: 8,
      frequency: 9,
      monetaryMinor: 90_000,
      aovMinor: 10_000,
      tenureDays: 400,
      pointsBalance: 900,
    },
    {
      recencyDays: 200,
      frequency: 1,
      monetaryMinor: 3_000,
      aovMinor: 3_000,
      tenureDays: 250,
      pointsBalance: 30,
    },
    {
      recencyDays: 40,
      frequency: 3,
      monetaryMinor: 15_000,
      aovMinor: 5_000,
      tenureDays: 120,
      pointsBalance: 150,
    },
  ];
  return groups.flatMap((g, gi) =>
    Array.from({ length: perGroup }, (_, i) => {
      const jitter = 1 + 0.15 * Math.sin(i * 7.3 + gi);
      return {
        customerId: `g${gi}-${i}`,
        recencyDays: Math.round(g.recencyDays * jitter),
        frequency: Math.max(1, Math.round(g.frequency * jitter)),
        monetaryMinor: Math.round(g.monetaryMinor * jitter),
        aovMinor: Math.round(g.aovMinor * jitter),
        tenureDays: Math.round(g.tenureDays * jitter),
        pointsBalance: Math.round(g.pointsBalance * jitter),
      };
    }),
  );
}

describe("clusters", () => {
  it("finds the three behaviours by silhouette, each group whole", () => {
    const result = clusterMembers(shop(30));
    if (!result.ok) throw new Error(result.reason);
    expect(result.k).toBe(3);
    expect(result.silhouetteByK.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(result.silhouette).toBe(Math.max(...result.silhouetteByK.map((s) => s.silhouette)));
    for (const group of ["g0", "g1", "g2"]) {
      const labels = new Set(
        result.labels.filter((l) => l.customerId.startsWith(group)).map((l) => l.cluster),
      );
      expect(labels.size).toBe(1);
    }
    expect(result.clusters.map((c) => c.size).sort()).toEqual([30, 30, 30]);
  });

  it("above the fit sample, fits centroids on a sample and places every buyer at its nearest", () => {
    const many = shop(4_000); // 12,000 buyers > FIT_SAMPLE
    const result = clusterMembers(many);
    if (!result.ok) throw new Error(result.reason);
    expect(result.k).toBe(3);
    expect(result.labels).toHaveLength(12_000);
    for (const group of ["g0", "g1", "g2"])
      expect(
        new Set(result.labels.filter((l) => l.customerId.startsWith(group)).map((l) => l.cluster)).size,
      ).toBe(1);
    expect(result.clusters.map((c) => c.size)).toEqual([4_000, 4_000, 4_000]);
  });

  it("is deterministic (seeded k-means++)", () => {
    expect(clusterMembers(shop(25))).toEqual(clusterMembers(shop(25)));
  });

  it("declines with a reason below the minimum, and for identical members", () => {
    const few = clusterMembers(shop(10).slice(0, MIN_CLUSTER_MEMBERS - 1));
    expect(few).toEqual({ ok: false, reason: expect.stringContaining(`at least ${MIN_CLUSTER_MEMBERS}`) });
    const same = Array.from({ length: 60 }, (_, i) => ({ ...shop(1)[0]!, customerId: `s${i}` }));
    expect(clusterMembers(same)).toEqual({ ok: false, reason: expect.stringContaining("too uniform") });
  });
});

describe("personas", () => {
  it("describes a cluster from its centroid, in the shop's currency", () => {
    const result = clusterMembers(shop(30));
    if (!result.ok) throw new Error(result.reason);
    const best = result.clusters.reduce((a: Cluster, b) =>
      a.means.monetaryMinor > b.means.monetaryMinor ? a : b,
    );
    const persona = personaOf(best, "USD");
    expect(persona.title).toBe("Frequent high spenders, big baskets");
    expect(persona.text).toMatch(
      /^Frequent high spenders, big baskets: last seen \d+ days ago on average, 9\.\d orders and \$9\d\d spent/,
    );
    const worst = result.clusters.reduce((a: Cluster, b) =>
      a.means.monetaryMinor < b.means.monetaryMinor ? a : b,
    );
    expect(personaOf(worst, "JPY").title).toBe("One-time low spenders, lapsing");
    expect(personaOf(worst, "JPY").text).toContain("¥3,0");
  });
});
