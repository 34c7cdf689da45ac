-- The members list for segmentation (issue 14, item 4): per-customer order statistics
-- (a stale log kept by triggers, drained by readers), staff names, and bulk points
-- adjustments.

CREATE TABLE "CustomerOrderStats" (
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "ordersCount" INTEGER NOT NULL DEFAULT 0,
    "spentMinor" BIGINT NOT NULL DEFAULT 0,
    "averageOrderMinor" BIGINT NOT NULL DEFAULT 0,
    "lastOrderAt" TIMESTAMP(3),
    "lastOrderId" BIGINT,
    "lastOrderName" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerOrderStats_pkey" PRIMARY KEY ("shop", "customerId")
);

CREATE INDEX "CustomerOrderStats_shop_spentMinor_idx" ON "CustomerOrderStats"("shop", "spentMinor");
CREATE INDEX "CustomerOrderStats_shop_ordersCount_idx" ON "CustomerOrderStats"("shop", "ordersCount");
CREATE INDEX "CustomerOrderStats_shop_averageOrderMinor_idx" ON "CustomerOrderStats"("shop", "averageOrderMinor");
CREATE INDEX "CustomerOrderStats_shop_lastOrderAt_idx" ON "CustomerOrderStats"("shop", "lastOrderAt");

-- Recomputes the statistics of some customers of a shop from their orders: orders that
-- count are neither cancelled nor test; spend is their totals less refunds (never below
-- zero per order). A customer left with no counting order loses their row. Recomputing
-- from the orders (not adding deltas) makes every write path and every replay converge.
-- The ids are joined as a set (unnest), not tested with = ANY: a backfill batch names
-- thousands of customers, and = ANY over a parameter array is a linear scan per row.
CREATE FUNCTION refresh_customer_order_stats(p_shop TEXT, p_ids BIGINT[]) RETURNS VOID
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
  -- One pass: the latest order comes from the same aggregation (no join of two CTEs,
  -- which the planner, expecting a handful of rows, would nest into a quadratic loop).
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

-- Writes to orders and refunds only log which customers went stale: a plain INSERT into a
-- table without unique keys never waits on another transaction. (Refreshing inside the
-- writer's transaction took row locks on the statistics, and two backfill batches in flight
-- with customers in common waited on each other forever: each holds its transaction open
-- while the app works.) Readers drain the log first (drain_customer_order_stats), and a
-- drain recomputes each stale customer once, so a COPY of thousands of orders costs one
-- grouped query at the next read. (shop/redact deletes shop rows table by table in name
-- order: this log sorts after "Order" and "Refund", whose delete triggers write to it.)
CREATE TABLE "StaleOrderStats" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaleOrderStats_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "StaleOrderStats_shop_idx" ON "StaleOrderStats"("shop");

CREATE FUNCTION customer_order_stats_after_order() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "StaleOrderStats" ("shop", "customerId")
      SELECT DISTINCT "shop", "customerId" FROM new_rows WHERE "customerId" IS NOT NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "StaleOrderStats" ("shop", "customerId")
      SELECT "shop", "customerId" FROM new_rows WHERE "customerId" IS NOT NULL
      UNION SELECT "shop", "customerId" FROM old_rows WHERE "customerId" IS NOT NULL;
  ELSE
    INSERT INTO "StaleOrderStats" ("shop", "customerId")
      SELECT DISTINCT "shop", "customerId" FROM old_rows WHERE "customerId" IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Order_stats_insert" AFTER INSERT ON "Order"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_order_stats_after_order();
CREATE TRIGGER "Order_stats_update" AFTER UPDATE ON "Order"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_order_stats_after_order();
CREATE TRIGGER "Order_stats_delete" AFTER DELETE ON "Order"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_order_stats_after_order();

CREATE FUNCTION customer_order_stats_after_refund() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO "StaleOrderStats" ("shop", "customerId")
      SELECT DISTINCT o."shop", o."customerId"
      FROM (SELECT DISTINCT "shop", "orderId" FROM old_rows) r
      JOIN "Order" o ON o."shop" = r."shop" AND o."id" = r."orderId"
      WHERE o."customerId" IS NOT NULL;
  ELSE
    INSERT INTO "StaleOrderStats" ("shop", "customerId")
      SELECT DISTINCT o."shop", o."customerId"
      FROM (SELECT DISTINCT "shop", "orderId" FROM new_rows) r
      JOIN "Order" o ON o."shop" = r."shop" AND o."id" = r."orderId"
      WHERE o."customerId" IS NOT NULL;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Refund_stats_insert" AFTER INSERT ON "Refund"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_order_stats_after_refund();
CREATE TRIGGER "Refund_stats_update" AFTER UPDATE ON "Refund"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_order_stats_after_refund();
CREATE TRIGGER "Refund_stats_delete" AFTER DELETE ON "Refund"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_order_stats_after_refund();

-- Refreshes a shop's stale customers and empties its part of the log. Drains of one shop
-- take turns (an advisory lock for the transaction); rows a writer has not committed yet
-- are invisible here and wait for the next drain. Returns how many customers it refreshed.
CREATE FUNCTION drain_customer_order_stats(p_shop TEXT) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  stale BIGINT[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('customer-order-stats'), hashtext(p_shop));
  WITH taken AS (DELETE FROM "StaleOrderStats" WHERE "shop" = p_shop RETURNING "customerId")
  SELECT array_agg(DISTINCT "customerId") INTO stale FROM taken;
  IF stale IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM refresh_customer_order_stats(p_shop, stale);
  RETURN cardinality(stale);
END;
$$;

-- Shops that already hold orders get their statistics now.
DO $$
DECLARE
  target RECORD;
BEGIN
  FOR target IN SELECT "shop", array_agg(DISTINCT "customerId") AS "ids" FROM "Order"
    WHERE "customerId" IS NOT NULL GROUP BY "shop" LOOP
    PERFORM refresh_customer_order_stats(target."shop", target."ids");
  END LOOP;
END;
$$;

CREATE TABLE "StaffMember" (
    "shop" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffMember_pkey" PRIMARY KEY ("shop", "userId")
);

CREATE TYPE "BulkAdjustmentStatus" AS ENUM ('queued', 'running', 'done', 'failed');

CREATE TABLE "BulkAdjustment" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "staffId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "customerIds" BIGINT[],
    "filter" JSON,
    "status" "BulkAdjustmentStatus" NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "applied" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "BulkAdjustment_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "BulkAdjustment_shop_createdAt_idx" ON "BulkAdjustment"("shop", "createdAt");
