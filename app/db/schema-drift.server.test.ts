import { readFileSync } from "node:fs";
import prismaInternals from "@prisma/internals";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "../env.server";

// The migrated database must match schema.prisma: every model, column, type,
// nullability, default presence, primary key, unique and index. Migrations are written by
// hand (docs/decisions/0003), so this is what keeps them honest.

const SCALAR_TO_PG: Record<string, string> = {
  String: "text",
  Boolean: "boolean",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric",
  DateTime: "timestamp without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

type Column = { table: string; column: string; type: string; nullable: boolean; hasDefault: boolean };

function expectedFromSchema(dmmf: Awaited<ReturnType<typeof prismaInternals.getDMMF>>) {
  const columns: Column[] = [];
  const indexes: string[] = [];
  const enums = new Set(dmmf.datamodel.enums.map((e) => e.name));
  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    for (const field of model.fields) {
      if (field.kind === "object") continue;
      const native = field.nativeType?.[0];
      let type =
        field.kind === "enum" || enums.has(field.type)
          ? field.type
          : native === "Uuid"
            ? "uuid"
            : native === "Json"
              ? "json"
              : native === "Date"
                ? "date"
                : native === "Real"
                  ? "real"
                  : (SCALAR_TO_PG[field.type] ?? field.type);
      if (field.isList) type += "[]";
      columns.push({
        table,
        column: field.dbName ?? field.name,
        type,
        nullable: field.isList ? true : !field.isRequired,
        hasDefault:
          field.hasDefaultValue &&
          !(
            typeof field.default === "object" &&
            field.default &&
            "name" in field.default &&
            ["uuid", "cuid"].includes(String(field.default.name))
          ),
      });
    }
  }
  for (const index of dmmf.datamodel.indexes) {
    const model = dmmf.datamodel.models.find((m) => m.name === index.model)!;
    const table = model.dbName ?? model.name;
    const kind = index.type === "id" ? "primary" : index.type === "unique" ? "unique" : "index";
    indexes.push(`${table}:${kind}:${index.fields.map((f) => f.name).join(",")}`);
  }
  return {
    columns: columns.sort(byKey),
    indexes: indexes.sort(),
    enums: dmmf.datamodel.enums.map((e) => `${e.name}:${e.values.map((v) => v.name).join(",")}`).sort(),
  };
}

const byKey = (a: Column, b: Column) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);

async function actualFromDatabase(client: pg.Client) {
  const { rows } = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
  }>(`
    SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
  const columns: Column[] = rows.map((r) => ({
    table: r.table_name,
    column: r.column_name,
    type:
      r.data_type === "ARRAY"
        ? `${udtName(r.udt_name.slice(1))}[]`
        : r.data_type === "USER-DEFINED"
          ? r.udt_name
          : r.data_type,
    nullable: r.is_nullable === "YES",
    hasDefault: r.column_default !== null,
  }));
  const idx = await client.query<{
    tablename: string;
    indexdef: string;
    isprimary: boolean;
    isunique: boolean;
    cols: string[];
  }>(`
    SELECT t.relname AS tablename, ix.indisprimary AS isprimary, ix.indisunique AS isunique,
           array_agg(a.attname::text ORDER BY k.ord) AS cols, '' AS indexdef
    FROM pg_index ix
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    -- Expression indexes cannot be stated in schema.prisma: the migrations own them, and
    -- EXPRESSION_INDEXES below names each one.
    WHERE t.relname <> '_prisma_migrations' AND ix.indexprs IS NULL
    GROUP BY t.relname, ix.indexrelid, ix.indisprimary, ix.indisunique`);
  const indexes = idx.rows.map(
    (r) => `${r.tablename}:${r.isprimary ? "primary" : r.isunique ? "unique" : "index"}:${r.cols.join(",")}`,
  );
  const enumRows = await client.query<{ name: string; values: string[] }>(`
    SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`);
  return {
    columns: columns.sort(byKey),
    indexes: indexes.sort(),
    enums: enumRows.rows.map((r) => `${r.name}:${r.values.join(",")}`).sort(),
  };
}

function udtName(udt: string): string {
  return (
    {
      text: "text",
      int4: "integer",
      int8: "bigint",
      bool: "boolean",
      jsonb: "jsonb",
      timestamp: "timestamp without time zone",
      uuid: "uuid",
      float8: "double precision",
      float4: "real",
      numeric: "numeric",
    }[udt] ?? udt
  );
}

describe("migrations match schema.prisma", () => {
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it("has every model, column, type, nullability, default, key and index", async () => {
    const dmmf = await prismaInternals.getDMMF({ datamodel: readFileSync("prisma/schema.prisma", "utf8") });
    const expected = expectedFromSchema(dmmf);
    const actual = await actualFromDatabase(client);
    expect(actual.enums).toEqual(expected.enums);
    expect(actual.columns).toEqual(expected.columns);
    expect(actual.indexes).toEqual(expected.indexes);
  });

  it("has the expression indexes the migrations add, and no other", async () => {
    const { rows } = await client.query<{ name: string }>(`
      SELECT c.relname AS name FROM pg_index ix
      JOIN pg_class c ON c.oid = ix.indexrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE ix.indexprs IS NOT NULL ORDER BY 1`);
    expect(rows.map((r) => r.name)).toEqual(EXPRESSION_INDEXES);
  });
});

/**
 * Indexes on an expression, which schema.prisma cannot state: the members list's "joined" sort
 * (ADR 0052) and the customer search's trigrams (app/admin/members/customer-search.server.ts).
 */
const EXPRESSION_INDEXES = [
  "Customer_email_trgm_idx",
  "Customer_name_trgm_idx",
  "Member_shop_joinedAt_customerId_idx",
];
