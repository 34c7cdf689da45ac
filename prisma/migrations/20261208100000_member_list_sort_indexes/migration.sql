-- The members list at scale (issue 18, ADR 0052 "The members list"): every sort reads an
-- index in the page's order, (shop, sort key, customerId), so a page is the next 25 index
-- entries rather than a sort of every member.

DROP INDEX "Member_shop_availablePoints_idx";
CREATE INDEX "Member_shop_availablePoints_customerId_idx" ON "Member"("shop", "availablePoints", "customerId");
CREATE INDEX "Member_shop_lifetimePoints_customerId_idx" ON "Member"("shop", "lifetimePoints", "customerId");
CREATE INDEX "Member_shop_tierValue_customerId_idx" ON "Member"("shop", "tierValue", "customerId");
CREATE INDEX "Member_shop_lastActivityAt_customerId_idx" ON "Member"("shop", "lastActivityAt", "customerId");
-- "Joined" is the enrolment, or the row's creation for members never enrolled; not in
-- schema.prisma, which cannot state an expression index.
CREATE INDEX "Member_shop_joinedAt_customerId_idx" ON "Member"("shop", (COALESCE("enrolledAt", "createdAt")), "customerId");

DROP INDEX "CustomerOrderStats_shop_spentMinor_idx";
DROP INDEX "CustomerOrderStats_shop_ordersCount_idx";
DROP INDEX "CustomerOrderStats_shop_averageOrderMinor_idx";
DROP INDEX "CustomerOrderStats_shop_lastOrderAt_idx";
CREATE INDEX "CustomerOrderStats_shop_spentMinor_customerId_idx" ON "CustomerOrderStats"("shop", "spentMinor", "customerId");
CREATE INDEX "CustomerOrderStats_shop_ordersCount_customerId_idx" ON "CustomerOrderStats"("shop", "ordersCount", "customerId");
CREATE INDEX "CustomerOrderStats_shop_averageOrderMinor_customerId_idx" ON "CustomerOrderStats"("shop", "averageOrderMinor", "customerId");
CREATE INDEX "CustomerOrderStats_shop_lastOrderAt_customerId_idx" ON "CustomerOrderStats"("shop", "lastOrderAt", "customerId");

-- Every member has an order statistics row, zeros until their first counting order, so the
-- spend, orders and average order sorts walk one index: a member without a row could only
-- be found by probing every member (2–5 s ascending at 1M members). Non-members keep a row
-- only while they have counting orders, as before.
INSERT INTO "CustomerOrderStats" ("shop", "customerId")
SELECT "shop", "customerId" FROM "Member"
ON CONFLICT ("shop", "customerId") DO NOTHING;

CREATE FUNCTION member_order_stats_row() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "CustomerOrderStats" ("shop", "customerId")
  SELECT n."shop", n."customerId" FROM new_members n
  ON CONFLICT ("shop", "customerId") DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER "Member_order_stats_row" AFTER INSERT ON "Member"
  REFERENCING NEW TABLE AS new_members FOR EACH STATEMENT EXECUTE FUNCTION member_order_stats_row();

-- As before (20261206214500_member_list_stats), except that a member left with no counting
-- order keeps a row of zeros rather than losing it.
CREATE OR REPLACE FUNCTION refresh_customer_order_stats(p_shop TEXT, p_ids BIGINT[]) RETURNS VOID
LANGUAGE sql AS $$
  WITH ids AS (
    SELECT DISTINCT "id" FROM unnest(p_ids) AS u("id") WHERE "id" IS NOT NULL
  ),
  counted AS (
    SELECT o."customerId", o."id", o."name", COALESCE(o."processedAt", o."shopifyCreatedAt", o."syncedAt") AS "at",
      GREATEST(o."totalMinor" - COALESCE(r."refunded", 0), 0) AS "net"
    FROM ids
    JOIN "Order" o ON o."shop" = p_shop AND o."customerId" = ids."id"
    LEFT JOIN LATERAL (
      SELECT SUM(r."totalMinor") AS "refunded" FROM "Refund" r WHERE r."shop" = o."shop" AND r."orderId" = o."id"
    ) r ON TRUE
    WHERE o."cancelledAt" IS NULL AND NOT o."test"
  ),
  totals AS (
    SELECT "customerId", COUNT(*)::INTEGER AS "n", SUM("net")::BIGINT AS "spent", MAX("at") AS "at",
      (array_agg("id" ORDER BY "at" DESC, "id" DESC))[1] AS "lastId",
      (array_agg("name" ORDER BY "at" DESC, "id" DESC))[1] AS "lastName"
    FROM counted GROUP BY "customerId"
  ),
  gone AS (
    DELETE FROM "CustomerOrderStats" s
    USING ids
    WHERE s."shop" = p_shop AND s."customerId" = ids."id"
      AND s."customerId" NOT IN (SELECT t."customerId" FROM totals t)
      AND NOT EXISTS (SELECT 1 FROM "Member" m WHERE m."shop" = p_shop AND m."customerId" = s."customerId")
  ),
  zeroed AS (
    UPDATE "CustomerOrderStats" s SET "ordersCount" = 0, "spentMinor" = 0, "averageOrderMinor" = 0,
      "lastOrderAt" = NULL, "lastOrderId" = NULL, "lastOrderName" = NULL, "updatedAt" = CURRENT_TIMESTAMP
    FROM ids
    WHERE s."shop" = p_shop AND s."customerId" = ids."id"
      AND s."customerId" NOT IN (SELECT t."customerId" FROM totals t)
      AND EXISTS (SELECT 1 FROM "Member" m WHERE m."shop" = p_shop AND m."customerId" = s."customerId")
  )
  INSERT INTO "CustomerOrderStats" ("shop", "customerId", "ordersCount", "spentMinor", "averageOrderMinor",
    "lastOrderAt", "lastOrderId", "lastOrderName", "updatedAt")
  SELECT p_shop, t."customerId", t."n", t."spent", ROUND(t."spent"::NUMERIC / t."n")::BIGINT,
    t."at", t."lastId", t."lastName", CURRENT_TIMESTAMP
  FROM totals t
  ON CONFLICT ("shop", "customerId") DO UPDATE SET
    "ordersCount" = EXCLUDED."ordersCount", "spentMinor" = EXCLUDED."spentMinor",
    "averageOrderMinor" = EXCLUDED."averageOrderMinor", "lastOrderAt" = EXCLUDED."lastOrderAt",
    "lastOrderId" = EXCLUDED."lastOrderId", "lastOrderName" = EXCLUDED."lastOrderName",
    "updatedAt" = EXCLUDED."updatedAt";
$$;
