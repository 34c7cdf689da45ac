import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseLine } from "~/backfill/jsonl";
import { productPayload as productSchema } from "~/ingest/product-payload";
import { htmlText, productMirror } from "~/ingest/to-mirror";
import type { Emulator } from "../server";
import { adminQuery, installApp, startTestEmulator } from "../testing";
import { productPayload } from "../webhook-payloads";
import { htmlToText } from "./products";

// Product descriptions (issue 15, recommendations' content similarity): the emulator keeps
// descriptionHtml, answers Product.description as its text, sends it as body_html in
// products/* webhooks; the app mirrors the text from either path.

const SHOP = "descriptions.myshopify.com";
const HTML = "<p>Soft <strong>linen</strong> &amp; cotton.</p>\n<ul><li>Machine&nbsp;washable</li></ul>";

describe("product descriptions", () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startTestEmulator();
  });
  afterEach(() => emulator.close());

  it("GraphQL gives descriptionHtml and its text; webhooks carry body_html; the app mirrors the text", async () => {
    emulator.store.createShop({ domain: SHOP });
    const token = await installApp(emulator, SHOP);
    const [shirt] = emulator.store.addProducts(SHOP, [
      { title: "Shirt", descriptionHtml: HTML, variants: [{ price: "30" }] },
    ]);
    const { body } = await adminQuery(
      emulator,
      token,
      `{ product(id: "${shirt!.id}") { description descriptionHtml } }`,
    );
    expect(body.data).toEqual({
      product: { description: "Soft linen & cotton. Machine washable", descriptionHtml: HTML },
    });

    const fromWebhook = productMirror(
      productSchema.parse(JSON.parse(JSON.stringify(productPayload(shirt!, "USD")))),
    );
    expect(fromWebhook.description).toBe("Soft linen & cotton. Machine washable");
    const fromBulk = parseLine(
      { id: shirt!.id, title: "Shirt", description: "Soft linen & cotton. Machine washable" },
      1,
      "USD",
    );
    expect(fromBulk).toMatchObject({
      type: "Product",
      row: { description: "Soft linen & cotton. Machine washable" },
    });
  });

  it("a product without a description mirrors null", () => {
    emulator.store.createShop({ domain: SHOP });
    const [mug] = emulator.store.addProducts(SHOP, [{ title: "Mug", variants: [{ price: "5" }] }]);
    expect(mug!.descriptionHtml).toBe("");
    expect(
      productMirror(productSchema.parse(JSON.parse(JSON.stringify(productPayload(mug!, "USD"))))).description,
    ).toBeNull();
  });

  it("the app's and the emulator's HTML-to-text agree", () => {
    for (const html of [HTML, "", "plain", "<br/>a&lt;b&gt;c&quot;d&#39;e"])
      expect(htmlText(html)).toBe(htmlToText(html));
  });
});
