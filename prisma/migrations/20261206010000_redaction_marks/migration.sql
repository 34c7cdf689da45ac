-- customers/redact remembers whom it erased, so that deliveries arriving later for the
-- same customer, order or email are stored without personal data (ADR 0013): customer
-- and order ids (Shopify's pseudonymous numbers) and emails only as a SHA-256 digest.
CREATE TABLE "RedactedIdentity" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "redactedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RedactedIdentity_pkey" PRIMARY KEY ("shop", "kind", "value")
);

-- Customers redacted before this migration, and their mirrored orders (their emails
-- were already erased, so there is nothing to take a digest of).
INSERT INTO "RedactedIdentity" ("shop", "kind", "value", "redactedAt")
SELECT "shop", 'customer', "id"::text, "redactedAt" FROM "Customer" WHERE "redactedAt" IS NOT NULL
UNION ALL
SELECT o."shop", 'order', o."id"::text, c."redactedAt"
FROM "Order" o JOIN "Customer" c ON c."shop" = o."shop" AND c."id" = o."customerId"
WHERE c."redactedAt" IS NOT NULL
ON CONFLICT DO NOTHING;

-- The digest under which an email is remembered: trimmed, lower-cased, and keyed by shop
-- so the same address gives unrelated digests in two shops; NULL for no email. STABLE as
-- convert_to is, and the email used once, so the planner inlines it into the queries below.
CREATE FUNCTION "redaction_email_digest"(p_shop TEXT, p_email TEXT) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(p_shop || E'\n' || nullif(lower(btrim(p_email)), ''), 'UTF8')), 'hex')
$$;

-- Whether a webhook payload belongs to someone customers/redact erased: its customer, its
-- order (or the order a refund belongs to), or its email. A customers/redact payload
-- itself is left to its handler, which needs the email it names. Three primary-key probes;
-- PL/pgSQL so their plans are cached per connection (as SQL, the trigger below cost ten
-- times more a row).
CREATE FUNCTION "webhook_payload_is_redacted"(p_shop TEXT, p_topic TEXT, p JSONB) RETURNS BOOLEAN
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN p_topic <> 'customers/redact' AND (
    EXISTS (SELECT 1 FROM "RedactedIdentity" WHERE "shop" = p_shop AND "kind" = 'customer'
      AND "value" IN (p #>> '{customer,id}', p ->> 'customer_id',
                      CASE WHEN p_topic LIKE 'customers/%' THEN p ->> 'id' END))
    OR EXISTS (SELECT 1 FROM "RedactedIdentity" WHERE "shop" = p_shop AND "kind" = 'order'
      AND "value" IN (CASE WHEN p_topic LIKE 'orders/%' THEN p ->> 'id' END, p ->> 'order_id'))
    OR EXISTS (SELECT 1 FROM "RedactedIdentity" WHERE "shop" = p_shop AND "kind" = 'email'
      AND "value" IN ("redaction_email_digest"(p_shop, p ->> 'email'),
                      "redaction_email_digest"(p_shop, p ->> 'contact_email'),
                      "redaction_email_digest"(p_shop, p #>> '{customer,email}'))));
END
$$;

-- A webhook payload without personal data, in the same shape, so that processing it still
-- parses and mirrors what sold and was refunded: at any depth, emails, phones, names,
-- addresses, notes, tags, custom properties, client and payment details and tracking
-- become null (lists become empty, a tag string becomes ""). Everything else stays.
CREATE FUNCTION "redact_webhook_payload"(doc JSONB) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF jsonb_typeof(doc) = 'object' THEN
    RETURN (
      SELECT coalesce(jsonb_object_agg(k, CASE
          WHEN jsonb_typeof(v) = 'null' THEN v
          WHEN k IN ('addresses', 'properties', 'note_attributes', 'custom_attributes') THEN '[]'::jsonb
          WHEN k = 'tags' THEN CASE WHEN jsonb_typeof(v) = 'array' THEN '[]'::jsonb ELSE '""'::jsonb END
          WHEN k IN ('first_name', 'last_name', 'note', 'client_details', 'landing_site', 'referring_site',
                     'payment_details', 'receipt', 'destination', 'destination_location',
                     'multipass_identifier')
            OR k LIKE '%email' OR k LIKE '%phone' OR k LIKE '%address' OR k LIKE '%\_ip'
            OR k LIKE 'tracking\_%' THEN 'null'::jsonb
          ELSE "redact_webhook_payload"(v) END), '{}'::jsonb)
      FROM jsonb_each(doc) AS e(k, v));
  ELSIF jsonb_typeof(doc) = 'array' THEN
    RETURN (
      SELECT coalesce(jsonb_agg("redact_webhook_payload"(v) ORDER BY i), '[]'::jsonb)
      FROM jsonb_array_elements(doc) WITH ORDINALITY AS a(v, i));
  END IF;
  RETURN doc;
END
$$;

-- Every delivery is checked as it is recorded, whichever path records it, and again when
-- its status changes (one recorded while a redaction was committing is erased when it is
-- processed). It adds 20-60 µs a row to the intake's INSERT on a loaded host (ADR 0013).
-- A later delivery of a redacted order also marks that order, so its refunds (which name
-- only the order) are recognised too.
CREATE FUNCTION "webhook_event_redact"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF "webhook_payload_is_redacted"(NEW."shop", NEW."topic", NEW."payload") THEN
    NEW."payload" := "redact_webhook_payload"(NEW."payload");
    IF NEW."topic" LIKE 'orders/%' AND NEW."payload" ->> 'id' IS NOT NULL THEN
      INSERT INTO "RedactedIdentity" ("shop", "kind", "value", "redactedAt")
      VALUES (NEW."shop", 'order', NEW."payload" ->> 'id', now() AT TIME ZONE 'UTC')
      ON CONFLICT DO NOTHING;
    END IF;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "WebhookEvent_redact" BEFORE INSERT OR UPDATE OF "status" ON "WebhookEvent"
FOR EACH ROW EXECUTE FUNCTION "webhook_event_redact"();
