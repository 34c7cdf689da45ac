-- The members list's and the recommendations page's customer search: part of an email or of
-- a name, anywhere in it (app/admin/members/customer-search.server.ts). A LIKE '%…%' cannot
-- use a btree, so at a million customers the search read the whole table (8.2 s at 200,000
-- members); trigram indexes answer it from the index. pg_trgm ships with PostgreSQL and is a
-- trusted extension (any role that may create in the database can add it), offered by every
-- managed PostgreSQL (docs/scaling.md).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Customer_email_trgm_idx" ON "Customer" USING gin (lower("email") gin_trgm_ops);
CREATE INDEX "Customer_name_trgm_idx" ON "Customer"
  USING gin (lower(coalesce("firstName", '') || ' ' || coalesce("lastName", '')) gin_trgm_ops);
