import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MEMBER_TIER_METAFIELD } from "~/loyalty/tier-perks";
import { METAFIELD_KEYS, METAFIELD_NAMESPACE } from "./metafields.server";

// The checkout function only sees a member's tier through the metafield the sync writes;
// if the two ever name different metafields, perks silently stop applying.
describe("the member tier metafield", () => {
  it("is the one the metafield sync writes", () => {
    expect(MEMBER_TIER_METAFIELD).toEqual({ namespace: METAFIELD_NAMESPACE, key: METAFIELD_KEYS.tier });
  });

  it("is the one every discount function input query reads", () => {
    const dir = "extensions/tier-perk-discount/src";
    const queries = readdirSync(dir).filter((f) => f.endsWith(".graphql"));
    expect(queries.length).toBeGreaterThan(0);
    for (const file of queries) {
      expect(readFileSync(`${dir}/${file}`, "utf8")).toContain(
        `metafield(namespace: "${MEMBER_TIER_METAFIELD.namespace}", key: "${MEMBER_TIER_METAFIELD.key}")`,
      );
    }
  });
});
