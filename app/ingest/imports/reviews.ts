import { z } from "zod";
import {
  cellReader,
  detect,
  EMAIL,
  parseDate,
  shopifyIdOf,
  type Detected,
  type FormatSpec,
  type ParsedFile,
  type RowIssue,
} from "./table";

// Product reviews as the review apps export them, read into one shape. Column names per
// app (looked up for issue 15; exports change, and a merchant may rename columns, so the
// generic layout takes any of these names):
// - Judge.me: the "Export reviews" CSV and its import template: title, body, rating,
//   review_date, source, curated, reviewer_name, reviewer_email, product_id,
//   product_handle, reply, picture_urls.
// - Yotpo: the reviews export: Review ID, Review Title, Review Content, Review Score, Date,
//   Product ID, Product Title, Display Name, Email (the import template uses
//   review_title, review_content, review_score, product_id, display_name, email, date).
// - Okendo: the reviews export: reviewId, productId, productHandle, productName, rating,
//   title, body, reviewerName, reviewerEmail, dateCreated (not confirmed against a live
//   export: Okendo documents its API's review object with these names).
// - Stamped.io: the reviews export: id, productId, productHandle, productTitle, productSKU,
//   rating, title, body/reviewMessage, author, email, dateCreated (likewise from its
//   API's names and the import template: product_id, rating, title, body, author, email).
// - Generic: product (id, handle, SKU or title), customer (id or email), rating 1-5,
//   title, body, date, and optionally the review's own id and the reviewer's name.

export const REVIEW_FORMATS = ["judgeme", "yotpo", "okendo", "stamped", "generic"] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export const REVIEW_FORMAT_NAMES: Record<ReviewFormat, string> = {
  judgeme: "Judge.me",
  yotpo: "Yotpo",
  okendo: "Okendo",
  stamped: "Stamped.io",
  generic: "Generic reviews",
};

const FIELDS = [
  "externalId",
  "productId",
  "productHandle",
  "sku",
  "productTitle",
  "customerId",
  "email",
  "name",
  "rating",
  "title",
  "body",
  "date",
] as const;
export type ReviewField = (typeof FIELDS)[number];

export const REVIEW_SPEC: FormatSpec<ReviewField, ReviewFormat> = {
  fields: FIELDS,
  generic: "generic",
  layouts: {
    generic: {
      externalId: ["id", "review_id", "external_id"],
      productId: ["product_id", "product"],
      productHandle: ["product_handle", "handle"],
      sku: ["sku", "product_sku", "variant_sku"],
      productTitle: ["product_title", "product_name"],
      customerId: ["customer_id"],
      email: ["email", "customer_email", "reviewer_email"],
      name: ["name", "reviewer_name", "customer_name", "author"],
      rating: ["rating", "score", "stars"],
      title: ["title", "review_title"],
      body: ["body", "content", "review", "text", "review_body"],
      date: ["date", "created_at", "reviewed_at", "review_date"],
    },
    judgeme: {
      externalId: ["id", "review_id"],
      productId: ["product_id"],
      productHandle: ["product_handle"],
      sku: ["product_sku", "sku"],
      productTitle: ["product_title"],
      customerId: ["customer_id", "reviewer_external_id"],
      email: ["reviewer_email"],
      name: ["reviewer_name"],
      rating: ["rating"],
      title: ["title"],
      body: ["body"],
      date: ["review_date", "created_at"],
    },
    yotpo: {
      externalId: ["review id", "review_id", "id"],
      productId: ["product id", "product_id"],
      productHandle: ["product handle", "product_handle"],
      sku: ["product sku", "sku"],
      productTitle: ["product title", "product_title", "product name"],
      customerId: ["customer id", "user id"],
      email: ["email", "user email", "reviewer email"],
      name: ["display name", "display_name", "reviewer name", "user name"],
      rating: ["review score", "review_score", "score"],
      title: ["review title", "review_title"],
      body: ["review content", "review_content", "content"],
      date: ["date", "review date", "created at", "review creation date"],
    },
    okendo: {
      externalId: ["reviewId", "review id"],
      productId: ["productId", "product id"],
      productHandle: ["productHandle", "product handle"],
      sku: ["variantSku", "sku"],
      productTitle: ["productName", "product name"],
      customerId: ["customerId", "reviewer customer id"],
      email: ["reviewerEmail", "reviewer email", "email"],
      name: ["reviewerName", "reviewer name", "reviewer display name"],
      rating: ["rating"],
      title: ["title"],
      body: ["body"],
      date: ["dateCreated", "date created"],
    },
    stamped: {
      externalId: ["id", "review id", "reviewId"],
      productId: ["productId", "product_id"],
      productHandle: ["productHandle", "product_handle"],
      sku: ["productSKU", "product_sku", "sku"],
      productTitle: ["productTitle", "product_title"],
      customerId: ["customerId", "customer_id"],
      email: ["email", "author email"],
      name: ["author", "author name"],
      rating: ["rating", "reviewRating"],
      title: ["title", "reviewTitle"],
      body: ["body", "reviewMessage", "review message"],
      date: ["dateCreated", "created_at", "date created"],
    },
  },
  signatures: {
    judgeme: ["reviewer_email", "reviewer_name", "review_date", "curated", "picture_urls"],
    yotpo: [
      "review score",
      "review content",
      "review title",
      "display name",
      "review_score",
      "review_content",
    ],
    okendo: ["reviewId", "dateCreated", "reviewerEmail", "reviewerName", "productName"],
    stamped: ["author", "reviewMessage", "productSKU", "reviewRating", "reviewTitle"],
  },
};

/** A review as every format reads into it. */
export const reviewSchema = z.object({
  line: z.number().int(),
  externalId: z.string().max(200).nullable(),
  productId: z.bigint().nullable(),
  productHandle: z.string().max(255).nullable(),
  sku: z.string().max(255).nullable(),
  productTitle: z.string().max(255).nullable(),
  customerId: z.bigint().nullable(),
  email: z.string().regex(EMAIL, "is not an email address").max(320).nullable(),
  name: z.string().max(255).nullable(),
  rating: z.number().int().min(1, "must be 1 to 5").max(5, "must be 1 to 5"),
  title: z.string().max(500).nullable(),
  body: z.string().max(20_000, "is longer than 20,000 characters").nullable(),
  reviewedAt: z.date(),
});
export type ReviewRow = z.infer<typeof reviewSchema>;

export interface ReadReviews {
  detected: Detected<ReviewField, ReviewFormat>;
  rows: ReviewRow[];
  issues: RowIssue[];
}

const fieldOf: Partial<Record<keyof ReviewRow, ReviewField>> = { reviewedAt: "date" };

/** Every row checked: a row with an error is left out (listed in issues), never half read. */
export function readReviews(table: ParsedFile, format?: ReviewFormat): ReadReviews {
  const detected = detect(REVIEW_SPEC, table.headers);
  if (format && format !== detected.format) Object.assign(detected, { format });
  const rows: ReviewRow[] = [];
  const issues: RowIssue[] = [];
  const { columns } = detected;
  for (const { line, cells } of table.rows) {
    const cell = cellReader(columns, cells);
    const errors: RowIssue[] = [];
    const error = (field: ReviewField | null, message: string) =>
      errors.push({ row: line, field, kind: "error", message });
    const idOf = (field: "productId" | "customerId") => {
      const text = cell(field);
      if (!text) return null;
      const id = shopifyIdOf(text);
      if (id === null)
        error(field, `${field === "productId" ? "Product" : "Customer"} id "${text}" is not a Shopify id.`);
      return id;
    };
    const productId = idOf("productId");
    const customerId = idOf("customerId");
    const ratingText = cell("rating");
    const rating = Number(ratingText);
    if (!ratingText) error("rating", "No rating.");
    else if (!Number.isInteger(rating) || rating < 1 || rating > 5)
      error("rating", `Rating "${ratingText}" is not a whole number from 1 to 5.`);
    const date = parseDate(cell("date"));
    if (!cell("date")) error("date", "No date.");
    else if (!date) error("date", `Date "${cell("date")}" is not a date (use 2024-03-05 or ISO 8601).`);
    const product = [cell("productId"), cell("productHandle"), cell("sku"), cell("productTitle")];
    if (product.every((p) => !p)) error("productId", "No product (id, handle, SKU or title).");
    const candidate = {
      line,
      externalId: cell("externalId") || null,
      productId,
      productHandle: cell("productHandle") || null,
      sku: cell("sku") || null,
      productTitle: cell("productTitle") || null,
      customerId,
      email: cell("email").toLowerCase() || null,
      name: cell("name") || null,
      rating: Number.isInteger(rating) ? rating : 0,
      title: cell("title") || null,
      body: cell("body") || null,
      reviewedAt: date ?? new Date(0),
    };
    const parsed = reviewSchema.safeParse(candidate);
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as keyof ReviewRow;
        const field = fieldOf[key] ?? (key as ReviewField);
        if (field === "rating" || field === "date") continue;
        error(field, `${label(field)} "${cell(field).slice(0, 60)}" ${issue.message}.`);
      }
    if (errors.length) issues.push(...errors);
    else if (parsed.success) rows.push(parsed.data);
  }
  return { detected, rows, issues };
}

const LABELS: Partial<Record<ReviewField, string>> = {
  email: "Email",
  body: "Body",
  title: "Title",
  name: "Name",
  externalId: "Review id",
  productHandle: "Product handle",
  sku: "SKU",
  productTitle: "Product title",
};
const label = (field: ReviewField) => LABELS[field] ?? field;

/** What names the product, in the order it is matched: id, handle, SKU, title. */
export function productRefOf(row: ReviewRow): string {
  if (row.productId !== null) return row.productId.toString();
  return row.productHandle ?? (row.sku ? `sku:${row.sku}` : `title:${row.productTitle ?? ""}`);
}

/** The text a review without its app's id is known by (its digest is the externalId). */
export function reviewIdentity(row: ReviewRow): string {
  const reviewer = row.customerId?.toString() ?? row.email ?? row.name ?? "";
  return [productRefOf(row), reviewer, row.reviewedAt.toISOString(), row.title ?? "", row.body ?? ""].join(
    "\u001f",
  );
}
