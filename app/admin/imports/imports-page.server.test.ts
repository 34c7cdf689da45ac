import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { importsAction, loadImportsPage } from "./imports-page.server";

// The page's loader and action: a preview writes nothing, an import lists its issues, the
// secret leaves the server once (in the rotate answer) and never in the loader.

const db = prisma();
const SHOP = "imports-page.myshopify.com";
const fixture = readFileSync(
  new URL("../../ingest/imports/fixtures/generic-reviews.csv", import.meta.url),
  "utf8",
);
const url = (query = "") => new URL(`https://app.example.com/app/imports${query}`);

function form(fields: Record<string, string | File>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP, ianaTimezone: "Europe/Paris" } });
  await db.customer.create({ data: { shop: SHOP, id: 101n, email: "ana@example.com" } });
  await db.product.create({ data: { shop: SHOP, id: 7001n, title: "Ceramic Mug", handle: "ceramic-mug" } });
});

describe("the imports page", () => {
  it("previews a file without writing, then imports it and lists its issues", async () => {
    const file = new File([fixture], "generic-reviews.csv", { type: "text/csv" });
    const preview = await importsAction(db, SHOP, form({ intent: "preview", kind: "reviews", file }));
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      ok: true,
      intent: "preview",
      preview: { format: "generic", valid: 1, invalid: 5 },
    });
    expect(await db.dataImport.count()).toBe(0);

    const imported = await importsAction(db, SHOP, form({ intent: "import", kind: "reviews", file }));
    expect(imported).toMatchObject({ status: 201, body: { ok: true, intent: "import", queued: false } });
    const page = await loadImportsPage(db, SHOP, url());
    expect(page.stored).toBe(1);
    expect(page.imports[0]).toMatchObject({
      source: "csv",
      format: "Generic reviews",
      created: 1,
      rejected: 5,
      status: "completed",
    });
    expect(page.selected?.issues.map((i) => i.row)).toEqual([3, 4, 5, 6, 7]);
    expect(page.timeZone).toBe("Europe/Paris");
  });

  it("answers what cannot be read with 4xx and writes nothing", async () => {
    expect((await importsAction(db, SHOP, form({ intent: "import", kind: "reviews" }))).status).toBe(400);
    expect(
      (
        await importsAction(
          db,
          SHOP,
          form({ intent: "import", kind: "other", file: new File(["a"], "a.csv") }),
        )
      ).status,
    ).toBe(400);
    const empty = await importsAction(
      db,
      SHOP,
      form({ intent: "preview", kind: "reviews", file: new File([""], "a.csv") }),
    );
    expect(empty).toMatchObject({ status: 422, body: { ok: false, error: "The file is empty." } });
    expect(await db.dataImport.count()).toBe(0);
  });

  it("shows the secret once, in the answer that creates it, never in the page", async () => {
    expect((await loadImportsPage(db, SHOP, url())).endpoint.secret).toBeNull();
    const created = await importsAction(db, SHOP, form({ intent: "rotate-secret" }));
    expect(created).toMatchObject({
      status: 201,
      body: { ok: true, secret: expect.stringMatching(/^lsk_/) },
    });
    const secret = (created.body as { secret: string }).secret;
    const page = await loadImportsPage(db, SHOP, url("?kind=engagement"));
    expect(JSON.stringify(page)).not.toContain(secret);
    expect(page.endpoint).toMatchObject({
      engagementUrl: expect.stringMatching(/\/api\/v1\/imports\/engagement$/),
      secret: { fingerprint: (created.body as { fingerprint: string }).fingerprint },
    });
  });
});
