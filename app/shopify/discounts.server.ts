import { randomBytes } from "node:crypto";
import { minorUnitsPerMajor, type Money } from "~/loyalty/money";
import type { DiscountCodeSpec } from "~/loyalty/redemption";
import { adminCall, waitForBucket, type AdminCallResult } from "./admin-call.server";
import type { AdminGraphql } from "./graphql.server";

// Reward discount codes in Shopify: one code, usable once, by one customer. Creation is
// idempotent by code (looked up before it is created), so a retried or recovered saga
// never makes two codes for one redemption.

export class DiscountRejected extends Error {
  override name = "DiscountRejected";
}

/** Shopify could not be reached, failed (5xx) or stayed throttled through every retry. */
export class DiscountUnavailable extends Error {
  override name = "DiscountUnavailable";
}

export interface DiscountCallOptions {
  /** Calls after the first one for throttled or failed (5xx, network) answers. */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_RETRIES = 3;
const MUTATION_COST = 10;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// 16 characters of Crockford base32 (80 bits): not guessable, easy to read out to support.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export function newRewardCode(prefix = "LOY"): string {
  const bytes = randomBytes(16);
  let code = "";
  for (const byte of bytes) code += ALPHABET[byte % 32];
  return `${prefix}-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}-${code.slice(12, 16)}`;
}

export const customerGid = (customerId: bigint | string) => `gid://shopify/Customer/${customerId}`;
const variantGid = (id: string) => (id.startsWith("gid://") ? id : `gid://shopify/ProductVariant/${id}`);

/** "12.5" for 1250 USD cents, "500" for 500 JPY. */
export function decimalAmount(money: Money): string {
  const per = minorUnitsPerMajor(money.currency);
  const digits = Math.round(Math.log10(per));
  const whole = Math.floor(money.amountMinor / per);
  const fraction = money.amountMinor % per;
  return digits === 0 ? String(whole) : `${whole}.${String(fraction).padStart(digits, "0")}`;
}

/** Runs one call, waiting out THROTTLED answers and retrying 5xx / network failures. */
async function withRetries<T>(
  run: () => Promise<AdminCallResult<T>>,
  options: DiscountCallOptions,
): Promise<AdminCallResult<T>> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const sleep = options.sleep ?? defaultSleep;
  let result = await run();
  for (let attempt = 1; attempt <= retries && !result.ok && result.kind !== "failed"; attempt++) {
    const wait =
      result.kind === "throttled"
        ? Math.max(
            250,
            waitForBucket(result.cost?.throttleStatus, result.cost?.requestedQueryCost ?? MUTATION_COST),
          )
        : 250 * 2 ** (attempt - 1);
    await sleep(wait);
    result = await run();
  }
  return result;
}

function unwrap<T>(result: AdminCallResult<T>): T {
  if (result.ok) return result.data;
  if (result.kind === "failed") throw new DiscountRejected(result.message);
  throw new DiscountUnavailable(result.message);
}

type UserError = { field?: string[] | null; message: string };

export interface ExistingDiscount {
  discountId: string;
  status: "ACTIVE" | "EXPIRED" | "SCHEDULED";
  customerIds: string[] | null;
}

const BY_CODE = `#graphql
  query RewardDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        __typename
        ... on DiscountCodeBasic { status context { __typename ... on DiscountCustomers { customers { id } } } }
        ... on DiscountCodeFreeShipping { status context { __typename ... on DiscountCustomers { customers { id } } } }
      }
    }
  }`;

type ByCode = {
  codeDiscountNodeByCode: {
    id: string;
    codeDiscount: { status: ExistingDiscount["status"]; context: { customers?: Array<{ id: string }> } };
  } | null;
};

export async function findDiscountByCode(
  graphql: AdminGraphql,
  code: string,
  options: DiscountCallOptions = {},
): Promise<ExistingDiscount | null> {
  const data = unwrap(
    await withRetries(() => adminCall<ByCode>(graphql, "RewardDiscountByCode", BY_CODE, { code }), options),
  );
  const node = data.codeDiscountNodeByCode;
  if (!node) return null;
  const customers = node.codeDiscount.context.customers;
  return {
    discountId: node.id,
    status: node.codeDiscount.status,
    customerIds: customers ? customers.map((c) => c.id) : null,
  };
}

const VARIANT_PRICE = `#graphql
  query RewardVariantPrice($id: ID!) { productVariant(id: $id) { id price } }`;

const BASIC_CREATE = `#graphql
  mutation RewardDiscountBasicCreate($input: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message }
    }
  }`;

const FREE_SHIPPING_CREATE = `#graphql
  mutation RewardDiscountFreeShippingCreate($input: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
      codeDiscountNode { id }
      userErrors { field message }
    }
  }`;

type CreatePayload = { codeDiscountNode: { id: string } | null; userErrors: UserError[] };

export interface RewardDiscountRequest {
  code: string;
  customerId: bigint | string;
  spec: DiscountCodeSpec;
}

/**
 * Creates the reward's code in Shopify, or returns the one that already exists under this
 * code for this customer (an earlier attempt that succeeded without our hearing of it).
 * Throws DiscountRejected on userErrors and DiscountUnavailable when Shopify could not answer.
 */
export async function createRewardDiscount(
  graphql: AdminGraphql,
  request: RewardDiscountRequest,
  options: DiscountCallOptions = {},
): Promise<{ discountId: string; created: boolean }> {
  const existing = await findDiscountByCode(graphql, request.code, options);
  const customer = customerGid(request.customerId);
  if (existing) {
    if (existing.customerIds?.length === 1 && existing.customerIds[0] === customer)
      return { discountId: existing.discountId, created: false };
    throw new DiscountRejected(`Code ${request.code} already exists for another discount`);
  }
  const { spec } = request;
  const common = {
    code: request.code,
    title: spec.title,
    startsAt: spec.startsAt.toISOString(),
    endsAt: spec.endsAt.toISOString(),
    usageLimit: spec.usageLimit,
    appliesOncePerCustomer: spec.appliesOncePerCustomer,
    context: { customers: { add: [customer] } },
    ...(spec.minimumSubtotal
      ? {
          minimumRequirement: {
            subtotal: { greaterThanOrEqualToSubtotal: decimalAmount(spec.minimumSubtotal) },
          },
        }
      : {}),
  };
  const value = spec.value;
  let operation: string;
  let query: string;
  let input: Record<string, unknown>;
  if (value.kind === "freeShipping") {
    operation = "discountCodeFreeShippingCreate";
    query = FREE_SHIPPING_CREATE;
    input = { ...common, destination: { all: true } };
  } else {
    operation = "discountCodeBasicCreate";
    query = BASIC_CREATE;
    input = { ...common, customerGets: await customerGets(graphql, value, options) };
  }
  const result = await withRetries(
    () => adminCall<Record<string, CreatePayload>>(graphql, operation, query, { input }),
    options,
  );
  const payload = unwrap(result)[operation];
  if (!payload) throw new DiscountRejected(`${operation}: no payload`);
  if (payload.userErrors.length || !payload.codeDiscountNode) {
    // Another attempt for the same redemption may have created it between our lookup and now.
    const raced = await findDiscountByCode(graphql, request.code, options);
    if (raced?.customerIds?.length === 1 && raced.customerIds[0] === customer)
      return { discountId: raced.discountId, created: false };
    throw new DiscountRejected(
      `${operation}: ${payload.userErrors.map((e) => e.message).join("; ") || "no discount returned"}`,
    );
  }
  return { discountId: payload.codeDiscountNode.id, created: true };
}

// A free product is the variant's price off that variant, applied once per order: the
// customer gets exactly one unit free however many they buy (a 100% discount would make
// every unit of it free).
async function customerGets(
  graphql: AdminGraphql,
  value: Exclude<DiscountCodeSpec["value"], { kind: "freeShipping" }>,
  options: DiscountCallOptions,
) {
  if (value.kind === "percentage")
    return { value: { percentage: value.percent / 100 }, items: { all: true } };
  if (value.kind === "fixedAmount")
    return {
      value: { discountAmount: { amount: decimalAmount(value.amount), appliesOnEachItem: false } },
      items: { all: true },
    };
  const id = variantGid(value.variantId);
  const data = unwrap(
    await withRetries(
      () =>
        adminCall<{ productVariant: { id: string; price: string } | null }>(
          graphql,
          "RewardVariantPrice",
          VARIANT_PRICE,
          { id },
        ),
      options,
    ),
  );
  if (!data.productVariant) throw new DiscountRejected(`The reward's product variant ${id} no longer exists`);
  return {
    value: { discountAmount: { amount: data.productVariant.price, appliesOnEachItem: false } },
    items: { products: { productVariantsToAdd: [id] } },
  };
}

const DELETE = `#graphql
  mutation RewardDiscountDelete($id: ID!) {
    discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { field message } }
  }`;

/** Deletes a reward code; one that is already gone counts as deleted. */
export async function deleteRewardDiscount(
  graphql: AdminGraphql,
  discountId: string,
  options: DiscountCallOptions = {},
): Promise<void> {
  const data = unwrap(
    await withRetries(
      () =>
        adminCall<{
          discountCodeDelete: { deletedCodeDiscountId: string | null; userErrors: UserError[] } | null;
        }>(graphql, "RewardDiscountDelete", DELETE, { id: discountId }),
      options,
    ),
  );
  const errors = data.discountCodeDelete?.userErrors ?? [];
  if (errors.length === 0) return;
  if (errors.every((e) => /does not exist/i.test(e.message))) return;
  throw new DiscountRejected(`discountCodeDelete: ${errors.map((e) => e.message).join("; ")}`);
}
