/**
 * WRITTEN BY HAND, mirroring what `shopify app function typegen` (graphql-codegen with the
 * typescript + typescript-operations plugins, omitOperationSuffix) produces from the Discount
 * Function API schema and src/*.graphql. Typegen downloads the API schema, which these
 * machines cannot do; run `npm run typegen` in this folder where Shopify CLI works and the
 * output replaces this file. Only the schema types the function uses are kept.
 */
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  /** A signed decimal number, serialized as a string ("29.99"). */
  Decimal: { input: any; output: any };
  /** A function-scoped handle to a resource. */
  Handle: { input: any; output: any };
  /** A JSON object. */
  JSON: { input: any; output: any };
};

/**
 * The three-letter currency codes of the stores' currencies (ISO 4217, plus legacy and
 * non-standard codes). Typegen emits the schema's enum, so `MoneyV2.currencyCode` is this,
 * not a string.
 */
export enum CurrencyCode {
  Aed = "AED",
  Afn = "AFN",
  All = "ALL",
  Amd = "AMD",
  Ang = "ANG",
  Aoa = "AOA",
  Ars = "ARS",
  Aud = "AUD",
  Awg = "AWG",
  Azn = "AZN",
  Bam = "BAM",
  Bbd = "BBD",
  Bdt = "BDT",
  Bgn = "BGN",
  Bhd = "BHD",
  Bif = "BIF",
  Bmd = "BMD",
  Bnd = "BND",
  Bob = "BOB",
  Brl = "BRL",
  Bsd = "BSD",
  Btn = "BTN",
  Bwp = "BWP",
  Byn = "BYN",
  Byr = "BYR",
  Bzd = "BZD",
  Cad = "CAD",
  Cdf = "CDF",
  Chf = "CHF",
  Clp = "CLP",
  Cny = "CNY",
  Cop = "COP",
  Crc = "CRC",
  Cve = "CVE",
  Czk = "CZK",
  Djf = "DJF",
  Dkk = "DKK",
  Dop = "DOP",
  Dzd = "DZD",
  Egp = "EGP",
  Ern = "ERN",
  Etb = "ETB",
  Eur = "EUR",
  Fjd = "FJD",
  Fkp = "FKP",
  Gbp = "GBP",
  Gel = "GEL",
  Ghs = "GHS",
  Gip = "GIP",
  Gmd = "GMD",
  Gnf = "GNF",
  Gtq = "GTQ",
  Gyd = "GYD",
  Hkd = "HKD",
  Hnl = "HNL",
  Hrk = "HRK",
  Htg = "HTG",
  Huf = "HUF",
  Idr = "IDR",
  Ils = "ILS",
  Inr = "INR",
  Iqd = "IQD",
  Irr = "IRR",
  Isk = "ISK",
  Jep = "JEP",
  Jmd = "JMD",
  Jod = "JOD",
  Jpy = "JPY",
  Kes = "KES",
  Kgs = "KGS",
  Khr = "KHR",
  Kid = "KID",
  Kmf = "KMF",
  Krw = "KRW",
  Kwd = "KWD",
  Kyd = "KYD",
  Kzt = "KZT",
  Lak = "LAK",
  Lbp = "LBP",
  Lkr = "LKR",
  Lrd = "LRD",
  Lsl = "LSL",
  Ltl = "LTL",
  Lvl = "LVL",
  Lyd = "LYD",
  Mad = "MAD",
  Mdl = "MDL",
  Mga = "MGA",
  Mkd = "MKD",
  Mmk = "MMK",
  Mnt = "MNT",
  Mop = "MOP",
  Mru = "MRU",
  Mur = "MUR",
  Mvr = "MVR",
  Mwk = "MWK",
  Mxn = "MXN",
  Myr = "MYR",
  Mzn = "MZN",
  Nad = "NAD",
  Ngn = "NGN",
  Nio = "NIO",
  Nok = "NOK",
  Npr = "NPR",
  Nzd = "NZD",
  Omr = "OMR",
  Pab = "PAB",
  Pen = "PEN",
  Pgk = "PGK",
  Php = "PHP",
  Pkr = "PKR",
  Pln = "PLN",
  Pyg = "PYG",
  Qar = "QAR",
  Ron = "RON",
  Rsd = "RSD",
  Rub = "RUB",
  Rwf = "RWF",
  Sar = "SAR",
  Sbd = "SBD",
  Scr = "SCR",
  Sdg = "SDG",
  Sek = "SEK",
  Sgd = "SGD",
  Shp = "SHP",
  Sll = "SLL",
  Sos = "SOS",
  Srd = "SRD",
  Ssp = "SSP",
  Std = "STD",
  Stn = "STN",
  Syp = "SYP",
  Szl = "SZL",
  Thb = "THB",
  Tjs = "TJS",
  Tmt = "TMT",
  Tnd = "TND",
  Top = "TOP",
  Try = "TRY",
  Ttd = "TTD",
  Twd = "TWD",
  Tzs = "TZS",
  Uah = "UAH",
  Ugx = "UGX",
  Usd = "USD",
  Uyu = "UYU",
  Uzs = "UZS",
  Ved = "VED",
  Vef = "VEF",
  Ves = "VES",
  Vnd = "VND",
  Vuv = "VUV",
  Wst = "WST",
  Xaf = "XAF",
  Xcd = "XCD",
  Xof = "XOF",
  Xpf = "XPF",
  Xxx = "XXX",
  Yer = "YER",
  Zar = "ZAR",
  Zmw = "ZMW",
}

/** The discount classes that control how discounts combine. */
export enum DiscountClass {
  Order = "ORDER",
  Product = "PRODUCT",
  Shipping = "SHIPPING",
}

/** A discount code that is associated with a discount candidate. */
export type AssociatedDiscountCode = {
  code: Scalars["String"]["input"];
};

/** A method for applying a discount to a specific line item in the cart. */
export type CartLineTarget = {
  id: Scalars["ID"]["input"];
  /** null (the default) discounts the line's whole quantity. */
  quantity?: InputMaybe<Scalars["Int"]["input"]>;
};

/** The cart.lines.discounts.generate.run target result. */
export type CartLinesDiscountsGenerateRunResult = {
  operations: Array<CartOperation>;
};

/** The cart.delivery-options.discounts.generate.run target result. */
export type CartDeliveryOptionsDiscountsGenerateRunResult = {
  operations: Array<DeliveryOperation>;
};

/** The operations that can be performed to apply discounts to the cart. */
export type CartOperation =
  | {
      enteredDiscountCodesAccept: EnteredDiscountCodesAcceptOperation;
      orderDiscountsAdd?: never;
      productDiscountsAdd?: never;
    }
  | {
      enteredDiscountCodesAccept?: never;
      orderDiscountsAdd: OrderDiscountsAddOperation;
      productDiscountsAdd?: never;
    }
  | {
      enteredDiscountCodesAccept?: never;
      orderDiscountsAdd?: never;
      productDiscountsAdd: ProductDiscountsAddOperation;
    };

/** The conditions that satisfy the discount candidate to be applied to a cart line. */
export type Condition =
  | {
      cartLineMinimumQuantity: CartLineMinimumQuantity;
      cartLineMinimumSubtotal?: never;
      orderMinimumSubtotal?: never;
    }
  | {
      cartLineMinimumQuantity?: never;
      cartLineMinimumSubtotal: CartLineMinimumSubtotal;
      orderMinimumSubtotal?: never;
    }
  | {
      cartLineMinimumQuantity?: never;
      cartLineMinimumSubtotal?: never;
      orderMinimumSubtotal: OrderMinimumSubtotal;
    };

export type CartLineMinimumQuantity = {
  ids: Array<Scalars["ID"]["input"]>;
  minimumQuantity: Scalars["Int"]["input"];
};

export type CartLineMinimumSubtotal = {
  ids: Array<Scalars["ID"]["input"]>;
  minimumAmount: Scalars["Decimal"]["input"];
};

export type OrderMinimumSubtotal = {
  excludedCartLineIds: Array<Scalars["ID"]["input"]>;
  minimumAmount: Scalars["Decimal"]["input"];
};

/** The discount that's eligible to be applied to a delivery. */
export type DeliveryDiscountCandidate = {
  associatedDiscountCode?: InputMaybe<AssociatedDiscountCode>;
  message?: InputMaybe<Scalars["String"]["input"]>;
  targets: Array<DeliveryDiscountCandidateTarget>;
  value: DeliveryDiscountCandidateValue;
};

export type DeliveryDiscountCandidateTarget =
  | { deliveryGroup: DeliveryGroupTarget; deliveryOption?: never }
  | { deliveryGroup?: never; deliveryOption: DeliveryOptionTarget };

export type DeliveryDiscountCandidateValue =
  { fixedAmount: FixedAmount; percentage?: never } | { fixedAmount?: never; percentage: Percentage };

export enum DeliveryDiscountSelectionStrategy {
  /** Apply all discounts with conditions that are satisfied. */
  All = "ALL",
}

export type DeliveryDiscountsAddOperation = {
  candidates: Array<DeliveryDiscountCandidate>;
  selectionStrategy: DeliveryDiscountSelectionStrategy;
};

export type DeliveryGroupTarget = {
  id: Scalars["ID"]["input"];
};

export type DeliveryOperation =
  | { deliveryDiscountsAdd: DeliveryDiscountsAddOperation; enteredDiscountCodesAccept?: never }
  | { deliveryDiscountsAdd?: never; enteredDiscountCodesAccept: EnteredDiscountCodesAcceptOperation };

export type DeliveryOptionTarget = {
  handle: Scalars["Handle"]["input"];
};

export type DiscountCode = {
  code: Scalars["String"]["input"];
};

export type EnteredDiscountCodesAcceptOperation = {
  codes: Array<DiscountCode>;
};

export type FixedAmount = {
  amount: Scalars["Decimal"]["input"];
};

export type OrderDiscountCandidate = {
  associatedDiscountCode?: InputMaybe<AssociatedDiscountCode>;
  conditions?: InputMaybe<Array<Condition>>;
  message?: InputMaybe<Scalars["String"]["input"]>;
  targets: Array<OrderDiscountCandidateTarget>;
  value: OrderDiscountCandidateValue;
};

export type OrderDiscountCandidateTarget = { orderSubtotal: OrderSubtotalTarget };

export type OrderDiscountCandidateValue =
  { fixedAmount: FixedAmount; percentage?: never } | { fixedAmount?: never; percentage: Percentage };

export enum OrderDiscountSelectionStrategy {
  /** Only apply the first order discount candidate with conditions that are satisfied. */
  First = "FIRST",
  /** Only apply the order discount candidate that offers the maximum reduction. */
  Maximum = "MAXIMUM",
}

export type OrderDiscountsAddOperation = {
  candidates: Array<OrderDiscountCandidate>;
  selectionStrategy: OrderDiscountSelectionStrategy;
};

export type OrderSubtotalTarget = {
  /** Lines left out of the subtotal the percentage is taken from. */
  excludedCartLineIds: Array<Scalars["ID"]["input"]>;
};

/** A percentage value, validated against >= 0 and <= 100. */
export type Percentage = {
  value: Scalars["Decimal"]["input"];
};

export type ProductDiscountCandidate = {
  associatedDiscountCode?: InputMaybe<AssociatedDiscountCode>;
  message?: InputMaybe<Scalars["String"]["input"]>;
  targets: Array<ProductDiscountCandidateTarget>;
  value: ProductDiscountCandidateValue;
};

export type ProductDiscountCandidateFixedAmount = {
  amount: Scalars["Decimal"]["input"];
  appliesToEachItem?: InputMaybe<Scalars["Boolean"]["input"]>;
};

export type ProductDiscountCandidateTarget = { cartLine: CartLineTarget };

export type ProductDiscountCandidateValue =
  | { fixedAmount: ProductDiscountCandidateFixedAmount; percentage?: never }
  | { fixedAmount?: never; percentage: Percentage };

export enum ProductDiscountSelectionStrategy {
  /** Apply all the discount candidates to eligible cart lines. */
  All = "ALL",
  /** Apply the first discount candidate to cart lines that satisfies conditions. */
  First = "FIRST",
  /** Apply the discount to the cart line that offers the maximum reduction. */
  Maximum = "MAXIMUM",
}

export type ProductDiscountsAddOperation = {
  candidates: Array<ProductDiscountCandidate>;
  selectionStrategy: ProductDiscountSelectionStrategy;
};

export type CartInputVariables = Exact<{
  excludedCollectionIds?: InputMaybe<Array<Scalars["ID"]["input"]> | Scalars["ID"]["input"]>;
  excludedProductTags?: InputMaybe<Array<Scalars["String"]["input"]> | Scalars["String"]["input"]>;
}>;

export type CartInput = {
  __typename?: "Input";
  cart: {
    __typename?: "Cart";
    buyerIdentity?: {
      __typename?: "BuyerIdentity";
      customer?: {
        __typename?: "Customer";
        id: string;
        loyaltyTier?: { __typename?: "Metafield"; value: string } | null;
      } | null;
    } | null;
    lines: Array<{
      __typename?: "CartLine";
      id: string;
      quantity: number;
      cost: {
        __typename?: "CartLineCost";
        subtotalAmount: { __typename?: "MoneyV2"; amount: any; currencyCode: CurrencyCode };
      };
      merchandise:
        | { __typename: "CustomProduct" }
        | {
            __typename: "ProductVariant";
            id: string;
            product: {
              __typename?: "Product";
              id: string;
              isGiftCard: boolean;
              inExcludedCollection: boolean;
              hasExcludedTag: boolean;
            };
          };
    }>;
  };
  discount: {
    __typename?: "Discount";
    discountClasses: Array<DiscountClass>;
    metafield?: { __typename?: "Metafield"; jsonValue: any } | null;
  };
};

export type DeliveryInputVariables = Exact<{
  excludedCollectionIds?: InputMaybe<Array<Scalars["ID"]["input"]> | Scalars["ID"]["input"]>;
  excludedProductTags?: InputMaybe<Array<Scalars["String"]["input"]> | Scalars["String"]["input"]>;
}>;

export type DeliveryInput = {
  __typename?: "Input";
  cart: {
    __typename?: "Cart";
    buyerIdentity?: {
      __typename?: "BuyerIdentity";
      customer?: {
        __typename?: "Customer";
        id: string;
        loyaltyTier?: { __typename?: "Metafield"; value: string } | null;
      } | null;
    } | null;
    lines: Array<{
      __typename?: "CartLine";
      id: string;
      cost: { __typename?: "CartLineCost"; subtotalAmount: { __typename?: "MoneyV2"; amount: any } };
      merchandise:
        | { __typename: "CustomProduct" }
        | {
            __typename: "ProductVariant";
            product: {
              __typename?: "Product";
              id: string;
              isGiftCard: boolean;
              inExcludedCollection: boolean;
              hasExcludedTag: boolean;
            };
          };
    }>;
    deliveryGroups: Array<{ __typename?: "CartDeliveryGroup"; id: string }>;
  };
  discount: {
    __typename?: "Discount";
    discountClasses: Array<DiscountClass>;
    metafield?: { __typename?: "Metafield"; jsonValue: any } | null;
  };
};
