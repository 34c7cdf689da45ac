-- Narrow filters on the members list (ADR 0052, "The members list", keyset section).
--
-- "Never ordered": the filter states everything a member without a counting order has in
-- the statistics row (no orders, nothing spent, no average, no last order), so each stats
-- sort's index is cut to those rows. These statistics tell the planner that the four go
-- together, so it estimates the filter as the share of zeros rows (15% of the bench's shop)
-- rather than the product of four shares; under the old COALESCE(ordersCount, 0) = 0 it
-- guessed 0.5%, and the list counted the matches exactly up to 10,001 (0.3 s at 200,000
-- members, 0.7 s at 1M). Not in schema.prisma, which cannot state statistics objects.
CREATE STATISTICS "CustomerOrderStats_no_orders_stat" (mcv)
  ON "ordersCount", "spentMinor", "averageOrderMinor", "lastOrderAt" FROM "CustomerOrderStats";
ANALYZE "CustomerOrderStats";

-- "Within X of the next tier": the members who have a next tier, by what they still need, so
-- a narrow bound reads its few members from the index instead of walking a sort index or
-- every member for them (267 ms at 200,000 members for 211 matches; 57 ms with it).
-- schema.prisma states it as @@index([shop, tierRemaining]) since it cannot state the WHERE.
CREATE INDEX "Member_shop_tierRemaining_idx" ON "Member"("shop", "tierRemaining") WHERE "nextTierId" IS NOT NULL;
