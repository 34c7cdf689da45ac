import { toMinorUnits } from "../resources/money";
import { gid, legacyIdOf, shopifyDateTime } from "../resources/records";
import type { ShopState } from "../store";
import { findVariant } from "./products";

// Turns DiscountCodeBasicInput / DiscountCodeFreeShippingInput into a stored discount,
// answering invalid input with Shopify's DiscountUserError shape (field path, message,
// code) and writing nothing.

export type DiscountUserError = { field: string[] | null; message: string; code: string; extraInfo: null };

export type DiscountValue =
  | { kind: "percentage"; percentage: number }
  | { kind: "amount"; amountMinor: number; appliesOnEachItem: boolean };

export type DiscountRecord = {
  legacyId: number;
  id: string;
  type: "DiscountCodeBasic" | "DiscountCodeFreeShipping";
  code: string;
  title: string;
  startsAt: string;
  endsAt: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  /** Customer gids allowed to use the code; null = every buyer. */
  customerIds: string[] | null;
  value: DiscountValue | null;
  /** Variant gids the value applies to; null = every item (or shipping). */
  variantIds: string[] | null;
  productIds: string[] | null;
  minimumSubtotalMinor: number | null;
  minimumQuantity: number | null;
  createdAt: string;
  updatedAt: string;
};

type IdsInput = { add?: string[] | null; remove?: string[] | null } | null | undefined;
type ContextInput = { all?: string | null; customers?: IdsInput; customerSegments?: IdsInput } | null;
type SelectionInput = { all?: boolean | null; customers?: IdsInput; customerSegments?: IdsInput } | null;

export type DiscountCodeInput = {
  code?: string | null;
  title?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean | null;
  context?: ContextInput;
  customerSelection?: SelectionInput;
  customerGets?: {
    value?: {
      percentage?: number | null;
      discountAmount?: { amount?: string | null; appliesOnEachItem?: boolean | null } | null;
    } | null;
    items?: {
      all?: boolean | null;
      products?: { productsToAdd?: string[] | null; productVariantsToAdd?: string[] | null } | null;
    } | null;
  } | null;
  minimumRequirement?: {
    subtotal?: { greaterThanOrEqualToSubtotal?: string | null } | null;
    quantity?: { greaterThanOrEqualToQuantity?: string | null } | null;
  } | null;
};

const error = (field: string[] | null, message: string, code: string): DiscountUserError => ({
  field,
  message,
  code,
  extraInfo: null,
});

export type Built = { record: Omit<DiscountRecord, "legacyId" | "id"> } | { errors: DiscountUserError[] };

/** Validates the input the way Shopify does for the parts the emulator models. */
export function buildDiscount(
  inputName: string,
  type: DiscountRecord["type"],
  input: DiscountCodeInput,
  shop: ShopState,
  codeTaken: (code: string) => boolean,
  now: number,
): Built {
  const errors: DiscountUserError[] = [];
  const at = (...path: string[]) => [inputName, ...path];
  const code = input.code?.trim() ?? "";
  if (!code) errors.push(error(at("code"), "Code can't be blank", "BLANK"));
  else if (code.length > 255) errors.push(error(at("code"), "Code is too long", "TOO_LONG"));
  else if (codeTaken(code))
    errors.push(error(at("code"), "Code must be unique. Please try a different code.", "TAKEN"));
  const title = input.title?.trim() ?? "";
  if (!title) errors.push(error(at("title"), "Title can't be blank", "BLANK"));
  const startsAt = input.startsAt ? Date.parse(input.startsAt) : NaN;
  if (Number.isNaN(startsAt)) errors.push(error(at("startsAt"), "Starts at can't be blank", "BLANK"));
  const endsAt = input.endsAt ? Date.parse(input.endsAt) : null;
  if (endsAt !== null && (Number.isNaN(endsAt) || endsAt <= startsAt))
    errors.push(error(at("endsAt"), "Ends at needs to be after starts_at", "INVALID"));
  if (input.usageLimit != null && input.usageLimit < 1)
    errors.push(error(at("usageLimit"), "Usage limit must be greater than 0", "GREATER_THAN"));

  const customerIds = buyers(input, at, shop, errors);
  let value: DiscountValue | null = null;
  let variantIds: string[] | null = null;
  let productIds: string[] | null = null;
  if (type === "DiscountCodeBasic") {
    value = discountValue(input, at, shop, errors);
    const products = input.customerGets?.items?.products;
    if (products && !input.customerGets?.items?.all) {
      variantIds = products.productVariantsToAdd ?? [];
      productIds = products.productsToAdd ?? [];
      variantIds.forEach((id, i) => {
        if (!findVariant(shop, id))
          errors.push(
            error(
              at("customerGets", "items", "products", "productVariantsToAdd", String(i)),
              `Product variant ${id} does not exist`,
              "INVALID",
            ),
          );
      });
      productIds.forEach((id, i) => {
        if (!shop.products.has(legacyIdOf("Product", id) ?? -1))
          errors.push(
            error(
              at("customerGets", "items", "products", "productsToAdd", String(i)),
              `Product ${id} does not exist`,
              "INVALID",
            ),
          );
      });
      if (variantIds.length + productIds.length === 0)
        errors.push(
          error(at("customerGets", "items"), "Items must include at least one product or variant", "BLANK"),
        );
    } else if (!input.customerGets?.items?.all) {
      errors.push(error(at("customerGets", "items"), "Items can't be blank", "BLANK"));
    }
  }
  const subtotal = input.minimumRequirement?.subtotal?.greaterThanOrEqualToSubtotal;
  let minimumSubtotalMinor: number | null = null;
  if (subtotal != null) {
    minimumSubtotalMinor = decimalMinor(subtotal, shop);
    if (minimumSubtotalMinor === null || minimumSubtotalMinor <= 0)
      errors.push(
        error(
          at("minimumRequirement", "subtotal", "greaterThanOrEqualToSubtotal"),
          "Minimum subtotal must be greater than 0",
          "GREATER_THAN",
        ),
      );
  }
  const quantity = input.minimumRequirement?.quantity?.greaterThanOrEqualToQuantity;
  const minimumQuantity = quantity != null ? Number(quantity) : null;
  if (errors.length) return { errors };
  const stamp = shopifyDateTime(now);
  return {
    record: {
      type,
      code,
      title,
      startsAt: shopifyDateTime(startsAt),
      endsAt: endsAt === null ? null : shopifyDateTime(endsAt),
      usageLimit: input.usageLimit ?? null,
      appliesOncePerCustomer: input.appliesOncePerCustomer ?? false,
      customerIds,
      value,
      variantIds,
      productIds,
      minimumSubtotalMinor,
      minimumQuantity,
      createdAt: stamp,
      updatedAt: stamp,
    },
  };
}

function buyers(
  input: DiscountCodeInput,
  at: (...path: string[]) => string[],
  shop: ShopState,
  errors: DiscountUserError[],
): string[] | null {
  if (input.context && input.customerSelection) {
    errors.push(error(at("context"), "Only one of context or customerSelection can be provided", "INVALID"));
    return null;
  }
  const field = input.context ? "context" : "customerSelection";
  const selection = input.context ?? input.customerSelection;
  if (!selection) {
    errors.push(error(at("context"), "Context can't be blank", "BLANK"));
    return null;
  }
  if (selection.all === true || selection.all === "ALL") return null;
  if (selection.customerSegments?.add?.length)
    errors.push(error(at(field, "customerSegments"), "Customer segments are not emulated", "INVALID"));
  const ids = (selection.customers?.add ?? []).map((id) => {
    const legacyId = legacyIdOf("Customer", id);
    return legacyId === null ? id : gid("Customer", legacyId);
  });
  if (ids.length === 0)
    errors.push(error(at(field, "customers", "add"), "Customers can't be blank", "BLANK"));
  ids.forEach((id, i) => {
    if (!shop.customers.has(legacyIdOf("Customer", id) ?? -1))
      errors.push(
        error(at(field, "customers", "add", String(i)), `Customer ${id} does not exist`, "INVALID"),
      );
  });
  return ids;
}

function discountValue(
  input: DiscountCodeInput,
  at: (...path: string[]) => string[],
  shop: ShopState,
  errors: DiscountUserError[],
): DiscountValue | null {
  const value = input.customerGets?.value;
  if (value?.percentage != null && value.discountAmount) {
    errors.push(error(at("customerGets", "value"), "Only one value type can be provided", "INVALID"));
    return null;
  }
  if (value?.percentage != null) {
    if (!(value.percentage > 0 && value.percentage <= 1)) {
      errors.push(
        error(
          at("customerGets", "value", "percentage"),
          "Value must be between 0.0 and 1.0",
          "VALUE_OUTSIDE_RANGE",
        ),
      );
      return null;
    }
    return { kind: "percentage", percentage: value.percentage };
  }
  if (value?.discountAmount) {
    const minor = decimalMinor(value.discountAmount.amount ?? "", shop);
    if (minor === null || minor <= 0) {
      errors.push(
        error(
          at("customerGets", "value", "discountAmount", "amount"),
          "Value must be greater than 0",
          "GREATER_THAN",
        ),
      );
      return null;
    }
    return {
      kind: "amount",
      amountMinor: minor,
      appliesOnEachItem: value.discountAmount.appliesOnEachItem ?? false,
    };
  }
  errors.push(error(at("customerGets", "value"), "Value can't be blank", "BLANK"));
  return null;
}

function decimalMinor(amount: string, shop: ShopState): number | null {
  try {
    return toMinorUnits(String(amount), shop.shop.currencyCode);
  } catch {
    return null;
  }
}
